"""The engine pool: recent answers come from the cache, and worker processes give the same
sentences and the same polite refusals as the engine itself."""

from __future__ import annotations

import asyncio

import pytest

from bot.pool import EnginePool
from bot.words import ComposeError, uses


class Counting:
    """An engine stand-in that counts its compositions."""

    def __init__(self, engine) -> None:
        self.engine, self.calls, self.dir = engine, 0, engine.dir

    def compose(self, *args, **kwargs):
        self.calls += 1
        return self.engine.compose(*args, **kwargs)


async def test_the_same_words_again_come_from_the_cache(engine):
    counting = Counting(engine)
    pool = EnginePool(counting, cached=2)
    first = await pool.compose(["고양이", "생선", "먹다"], "formal")
    assert await pool.compose(["고양이", "생선", "먹다"], "formal") == first and counting.calls == 1
    await pool.compose(["고양이", "생선", "먹다"], "plain")
    await pool.compose(["강아지", "공원"], "formal")  # pushes the oldest out (cached=2)
    await pool.compose(["고양이", "생선", "먹다"], "formal")
    assert counting.calls == 4
    pool.close()


async def test_the_same_words_at_the_same_time_are_composed_once(engine):
    counting = Counting(engine)
    pool = EnginePool(counting, workers=2)
    words = ["고양이", "생선", "먹다"]
    answers = await asyncio.gather(*(pool.compose(words, "formal") for _ in range(30)),
                                   pool.compose(["강아지", "공원"], "formal"))
    assert counting.calls == 2
    assert all(a == answers[0] for a in answers[:30]) and uses("생선", answers[0][0].sentence)
    pool.close()


async def test_more_lists_than_workers_is_a_backlog(engine):
    pool = EnginePool(engine, workers=2)
    lists = [["고양이", "생선", "먹다"], ["강아지", "공원", "뛰다"], ["새", "하늘", "날다"]]
    tasks = [asyncio.ensure_future(pool.compose(words, "formal")) for words in lists[:2]]
    await asyncio.sleep(0)
    assert not pool.backlogged  # two lists, two workers
    tasks.append(asyncio.ensure_future(pool.compose(lists[2], "formal")))
    await asyncio.sleep(0)
    assert pool.backlogged
    await asyncio.gather(*tasks)
    assert not pool.backlogged
    pool.close()


async def test_worker_processes_compose_and_refuse_like_the_engine(engine):
    pool = EnginePool(engine, workers=1, processes=True)
    try:
        found = await pool.compose(["백설공주", "동물들", "숲속", "이야기하다"], "polite", n=2)
        assert [c.sentence for c in found] == [c.sentence for c in engine.compose(
            ["백설공주", "동물들", "숲속", "이야기하다"], n=2, style="polite")]
        with pytest.raises(ComposeError) as refused:
            await pool.compose(["ㅋㅋ"], "formal")
        assert "한글" in refused.value.korean
    finally:
        pool.close()
