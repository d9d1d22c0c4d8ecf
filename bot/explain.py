"""조사 설명: for each particle unit the engine wrote, its pair, its job in plain Korean, and why
this form (받침 or not, ㄹ받침 before (으)로), from the `Particle` records, never by re-parsing."""

from __future__ import annotations

import tossi

from bot.hangul import final_jamo
from bot.realize import Particle

# unit -> (the pair as learners write it, its job in plain Korean)
PARTICLES = {
    "<JKS>": ("이/가", "주어 — 누가, 무엇이 하는지를 나타냅니다."),
    "<JKO>": ("을/를", "목적어 — 무엇을, 누구를 하는지(동작의 대상)를 나타냅니다."),
    "<JX>": ("은/는", "화제 — 무엇에 대해 말하는지를 나타내거나 다른 것과 대조합니다."),
    "<JC>": ("와/과", "함께·나열 — 누구와 함께인지, 또는 'A와 B'처럼 이어 말합니다."),
    "<RO>": ("(으)로", "방향·수단 — 어디로 가는지, 무엇으로 하는지를 나타냅니다."),
    "<NA>": ("(이)나", "고르기 — 'A나 B'처럼 여럿 중 하나를 말합니다."),
    "<RANG>": ("(이)랑", "함께·나열 — '와/과'와 같은 뜻으로, 말할 때 자주 씁니다."),
    "<JKV>": ("아/야", "부르기 — 이름을 부를 때 씁니다."),
}
NONE = "이 문장에는 앞말에 따라 모양이 바뀌는 조사(이/가, 을/를, 은/는, 와/과, (으)로 …)가 없습니다."
FIXED = "에, 에서, 의, 도처럼 모양이 하나뿐인 조사는 앞말과 상관없이 늘 같은 모양입니다."


def why(particle: Particle) -> str:
    """Why this allomorph: the last syllable of the word before it has a 받침 or not."""
    forms = PARTICLES[particle.unit][0].replace("(", "").replace(")", "/").split("/")
    last = particle.word[-1:] or " "
    final = final_jamo(last)
    chosen = f"'{particle.form}'{tossi.pick(particle.form, '을')} 씁니다"
    if final is None:
        return f"'{last}'의 읽는 소리(끝소리)에 맞춰 {chosen}."
    if particle.unit == "<RO>" and final == "ㄹ":
        return f"'{last}'에 ㄹ받침이 있습니다. ㄹ받침 뒤에는 '으로'가 아니라 '로'를 씁니다."
    if particle.unit == "<RO>":
        rule = "받침이 있으면 '으로', 없으면 '로'"
    elif particle.unit in ("<NA>", "<RANG>"):
        rule = f"받침이 있으면 '이{forms[-1]}', 없으면 '{forms[-1]}'"
    else:
        with_final, without = (forms[1], forms[0]) if particle.unit == "<JC>" else forms
        rule = f"받침이 있으면 '{with_final}', 없으면 '{without}'"
    has = f"받침 {final}이 있어서" if final else "받침이 없어서"
    return f"'{last}'에 {has} {chosen} ({rule})."


def explain(sentence: str, particles: tuple[Particle, ...] | list[Particle]) -> str:
    """The 조사 설명 message for one sentence."""
    if not particles:
        return f"조사 설명\n{sentence}\n\n{NONE}"
    items = []
    for i, p in enumerate(particles, 1):
        pair, job = PARTICLES[p.unit]
        items.append(f"{i}. {p.word} + {p.form}  ({pair})\n   뜻: {job}\n   모양: {why(p)}")
    return f"조사 설명\n{sentence}\n\n" + "\n\n".join(items) + f"\n\n{FIXED}"
