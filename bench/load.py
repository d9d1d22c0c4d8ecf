"""The bot under load: many chats send word lists through the fake Bot API server to a real
`ieum-bot` process; reports replies per second, latency from update to reply, lost replies.
Two scenarios: a burst (every message pushed at once; throughput) and steady traffic (`--rate`
messages a second, spread over the chats in turn; latency at a realistic load). The word lists
are the official test concept sets (IEUM_DATA_DIR), else a small built-in list.

    python -m bench.load --chats 200 --messages 10 --runs 3              # burst, send cap off
    python -m bench.load --chats 100 --rate 25 --seconds 24 --max-rate 30  # steady, default flags
    python -m bench.load --chats 80 --messages 5 --lists 5 --runs 3     # a classroom: the same 5 lists
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from bench.fake_telegram import FakeTelegram
from bench.latency import load_inputs


async def run(chats: int, messages: int, max_rate: float, faults: bool, rate: float = 0,
              bot_args: tuple[str, ...] = (), lists: int = 0) -> dict:
    """One bot process, `chats` × `messages` word lists: all at once, or `rate` a second;
    `lists` > 0: only that many different lists, in turn (a classroom sending the same words)."""
    telegram = FakeTelegram()
    await telegram.start()
    if faults:  # every 50th send fails once: alternately a 429 (retry after 1 s) and a 500
        telegram.faults["sendMessage"] = [1 if i % 2 else "500" for i in range(chats * messages // 50)]
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": telegram.token}
    cpu_before = _children_cpu()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([sys.executable, "-m", "bot.app", "--base-url", telegram.base_url,
                                 "--store", f"{tmp}/s.sqlite3", "--max-rate", str(max_rate), *bot_args],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            await telegram.wait_for(lambda t: t.sent("setMyCommands"), timeout=60)
            await asyncio.sleep(1.0)  # let worker processes finish loading
            start_cpu = _tree_cpu(proc.pid)
            inputs = [", ".join(words) for words in load_inputs(lists or chats * messages)]
            inputs = [inputs[i % len(inputs)] for i in range(chats * messages)]
            pushed: dict[int, list[float]] = {}
            start = time.monotonic()
            for k in range(messages):
                for chat in range(1, chats + 1):
                    i = k * chats + chat - 1
                    if rate:  # steady arrivals: message i is due at start + i / rate
                        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
                    pushed.setdefault(chat, []).append(time.monotonic())
                    telegram.push_message(chat, inputs[i])
            total = chats * messages
            try:
                await telegram.wait_for(lambda t: len(t.sent("sendMessage")) >= total, timeout=600)
            except TimeoutError:
                pass
            end = time.monotonic()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    bot_cpu = _children_cpu() - cpu_before - start_cpu  # the bot and its worker processes, after start-up
    await telegram.stop()
    latencies = []
    for chat, times in pushed.items():
        replies = [c.at for c in telegram.sent("sendMessage", chat)]
        latencies += [(r - p) * 1000 for p, r in zip(times, replies)]
    replied = len(telegram.sent("sendMessage"))
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"updates": total, "replies": replied, "lost": total - replied, "seconds": end - start,
            "replies_per_s": replied / (end - start), "p50_ms": statistics.median(latencies or [0]),
            "p99_ms": q[98], "faults_left": len(telegram.faults.get("sendMessage", [])),
            "cpu_ms_per_reply": bot_cpu * 1000 / max(replied, 1)}


def _tree_cpu(pid: int) -> float:
    """CPU seconds so far of a live process and its live children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pids = 0.0, [pid]
    while pids:
        p = pids.pop()
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            pids += [int(c) for c in open(f"/proc/{p}/task/{p}/children").read().split()]
        except OSError:
            pass
    return total


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes (and theirs), so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--chats", type=int, default=100)
    p.add_argument("--messages", type=int, default=20, help="per chat (with --rate: see --seconds)")
    p.add_argument("--rate", type=float, default=0, help="steady arrivals, messages per second (0 = all at once)")
    p.add_argument("--seconds", type=float, default=0, help="with --rate: how long (sets --messages)")
    p.add_argument("--max-rate", type=float, default=0, help="the bot's overall send limit (0 = off; the bot's "
                   "own default is 30)")
    p.add_argument("--faults", action="store_true", help="inject 429 and 500 answers")
    p.add_argument("--runs", type=int, default=1, help="repeat, each with a fresh bot process; report the median")
    p.add_argument("--bot-args", default="", help="extra ieum-bot flags, e.g. --bot-args=--processes")
    p.add_argument("--lists", type=int, default=0, help="only this many different word lists, in turn "
                   "(a classroom); 0 = a different list for every message")
    args = p.parse_args(argv)
    if args.rate and args.seconds:
        args.messages = max(1, round(args.rate * args.seconds / args.chats))
    arrival = f"{args.rate:g} a second" if args.rate else "all pushed at once"
    print(f"{args.chats} chats × {args.messages} messages ({arrival}), max-rate {args.max_rate:g}, "
          f"faults {'on' if args.faults else 'off'}" + (f", {args.lists} different lists" if args.lists else ""))
    results = []
    for _ in range(args.runs):
        bot_args = tuple(args.bot_args.split())
        r = asyncio.run(run(args.chats, args.messages, args.max_rate, args.faults, args.rate, bot_args, args.lists))
        results.append(r)
        print(f"replies {r['replies']}/{r['updates']} (lost {r['lost']}) in {r['seconds']:.1f} s = "
              f"{r['replies_per_s']:.1f} replies/s; update→reply p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms; "
              f"bot CPU {r['cpu_ms_per_reply']:.1f} ms per reply"
              + (f"; injected faults left unused: {r['faults_left']}" if args.faults else ""), flush=True)
    if args.runs > 1:
        keys = ("replies_per_s", "p50_ms", "p99_ms", "cpu_ms_per_reply")
        median = {k: statistics.median(r[k] for r in results) for k in keys}
        print(f"median of {args.runs}: {median['replies_per_s']:.1f} replies/s, p50 {median['p50_ms']:.0f} ms, "
              f"p99 {median['p99_ms']:.0f} ms, bot CPU {median['cpu_ms_per_reply']:.1f} ms per reply, "
              f"lost {sum(r['lost'] for r in results)} in all")
    return 0 if all(r["lost"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
