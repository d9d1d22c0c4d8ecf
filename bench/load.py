"""The bot under load: many chats send word lists at once through the fake Bot API server to a
real `ieum-bot` process; reports replies per second, latency from update to reply, lost replies.
The word lists are the official test concept sets (IEUM_DATA_DIR), else a small built-in list.

    python -m bench.load --chats 100 --messages 20 [--faults]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from bench.fake_telegram import FakeTelegram
from bench.latency import load_inputs


async def run(chats: int, messages: int, max_rate: float, faults: bool) -> dict:
    telegram = FakeTelegram()
    await telegram.start()
    if faults:  # every 50th send fails once: alternately a 429 (retry after 1 s) and a 500
        telegram.faults["sendMessage"] = [1 if i % 2 else "500" for i in range(chats * messages // 50)]
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": telegram.token}
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([sys.executable, "-m", "bot.app", "--base-url", telegram.base_url,
                                 "--store", f"{tmp}/s.sqlite3", "--max-rate", str(max_rate)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            await telegram.wait_for(lambda t: t.sent("setMyCommands"), timeout=60)
            inputs = [", ".join(words) for words in load_inputs(chats * messages)]
            pushed: dict[int, list[float]] = {}
            start = time.monotonic()
            for k in range(messages):
                for chat in range(1, chats + 1):
                    pushed.setdefault(chat, []).append(time.monotonic())
                    telegram.push_message(chat, inputs[k * chats + chat - 1])
            total = chats * messages
            try:
                await telegram.wait_for(lambda t: len(t.sent("sendMessage")) >= total, timeout=600)
            except TimeoutError:
                pass
            end = time.monotonic()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    await telegram.stop()
    latencies = []
    for chat, times in pushed.items():
        replies = [c.at for c in telegram.sent("sendMessage", chat)]
        latencies += [(r - p) * 1000 for p, r in zip(times, replies)]
    replied = len(telegram.sent("sendMessage"))
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"updates": total, "replies": replied, "lost": total - replied, "seconds": end - start,
            "replies_per_s": replied / (end - start), "p50_ms": statistics.median(latencies or [0]),
            "p99_ms": q[98], "faults_left": len(telegram.faults.get("sendMessage", []))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--chats", type=int, default=100)
    p.add_argument("--messages", type=int, default=20)
    p.add_argument("--max-rate", type=float, default=0, help="the bot's overall send limit (0 = off)")
    p.add_argument("--faults", action="store_true", help="inject 429 and 500 answers")
    args = p.parse_args(argv)
    r = asyncio.run(run(args.chats, args.messages, args.max_rate, args.faults))
    print(f"{args.chats} chats × {args.messages} messages (all pushed at once), max-rate {args.max_rate}, "
          f"faults {'on' if args.faults else 'off'}")
    print(f"replies {r['replies']}/{r['updates']} (lost {r['lost']}) in {r['seconds']:.1f} s = "
          f"{r['replies_per_s']:.1f} replies/s; update→reply p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms"
          + (f"; injected faults left unused: {r['faults_left']}" if args.faults else ""))
    return 0 if r["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
