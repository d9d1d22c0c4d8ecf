"""The test suite (pytest, asyncio mode auto; run it with `make test`).

One file per module plus end-to-end tests: the CLI and the terminal chat as real processes, the bot
over real HTTP against bench/fake_telegram.py, a tiny `ieum-train all` on fixtures written here
(tests/fixtures.py). Tests that need the real data read IEUM_DATA_DIR and are skipped without it;
the rest use the committed exported/ model or their own fixtures.
"""
