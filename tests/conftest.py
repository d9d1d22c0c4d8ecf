"""Shared fixtures: the real exported engine (loaded once) and the fake Bot API server."""

from __future__ import annotations

import pytest

from bench.fake_telegram import FakeTelegram
from bot.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture
async def telegram():
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()
