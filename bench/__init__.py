"""Benchmarks (not unit tests): `python -m bench.latency` for composing speed, `python -m bench.load`
for the bot under load through a fake Bot API server. May import `bot` (and torch when present)."""
