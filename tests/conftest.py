"""Shared fixtures: the real exported engine (loaded once), the fake Bot API server, a real Redis."""

from __future__ import annotations

import pytest

from bench.fake_telegram import FakeTelegram
from bot.engine import Engine
from tests.redis_server import RedisServer, unavailable


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture
async def telegram():
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
    except (FileNotFoundError, RuntimeError) as e:
        unavailable(str(e))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server) -> str:
    """A real Redis, emptied for each test."""
    redis_server.flush()
    return redis_server.url
