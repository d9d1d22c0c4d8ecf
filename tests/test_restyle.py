"""Plain endings rewritten as 합니다체 and 해요체, regular and irregular stems."""

from __future__ import annotations

import pytest

from bot.restyle import restyle


@pytest.mark.parametrize("plain, formal, polite", [
    ("차들이 거리를 다닌다.", "차들이 거리를 다닙니다.", "차들이 거리를 다녀요."),
    ("고양이가 길을 본다.", "고양이가 길을 봅니다.", "고양이가 길을 봐요."),
    ("곰이 키스를 한다.", "곰이 키스를 합니다.", "곰이 키스를 해요."),
    ("고양이가 생선을 먹는다.", "고양이가 생선을 먹습니다.", "고양이가 생선을 먹어요."),
    ("아이가 음악을 듣는다.", "아이가 음악을 듣습니다.", "아이가 음악을 들어요."),
    ("방에 의자가 있다.", "방에 의자가 있습니다.", "방에 의자가 있어요."),
    ("그는 학교에 갔다.", "그는 학교에 갔습니다.", "그는 학교에 갔어요."),
    ("날씨가 덥다.", "날씨가 덥습니다.", "날씨가 더워요."),
    ("하늘이 파랗다.", "하늘이 파랗습니다.", "하늘이 파래요."),
    ("꽃이 예쁘다.", "꽃이 예쁩니다.", "꽃이 예뻐요."),
    ("그는 학생이다.", "그는 학생입니다.", "그는 학생이에요."),
    ("이것은 침대이다.", "이것은 침대입니다.", "이것은 침대예요."),  # after a vowel: 예요
    ("이것은 사과다.", "이것은 사과입니다.", "이것은 사과예요."),  # a noun, its copula without 이
    ("이것은 사과가 아니다.", "이것은 사과가 아닙니다.", "이것은 사과가 아니에요."),
    ("국이 짜다.", "국이 짭니다.", "국이 짜요."),
    ("아이들이 논다.", "아이들이 놉니다.", "아이들이 놀아요."),
    ("노래를 부른다!", "노래를 부릅니다!", "노래를 불러요!"),
    ("친구를 돕는다.", "친구를 돕습니다.", "친구를 도와요."),
    ("시장에서 사과를 산다.", "시장에서 사과를 삽니다.", "시장에서 사과를 사요."),
    ("그는 서울에 산다.", "그는 서울에 삽니다.", "그는 서울에 살아요."),
    ("기린이 목이 길다.", "기린이 목이 깁니다.", "기린이 목이 길어요."),  # an ㄹ adjective drops it before ㅂ
    ("학교가 멀다.", "학교가 멉니다.", "학교가 멀어요."),
])
def test_plain_endings_take_the_asked_level(plain, formal, polite):
    assert restyle(plain, "formal") == formal
    assert restyle(plain, "polite") == polite


def test_unknown_endings_are_left_alone():
    assert restyle("어디 가니?", "formal") is None
    assert restyle("고양이가 생선을 먹어요.", "formal") is None
