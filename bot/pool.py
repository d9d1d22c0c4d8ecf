"""The engine behind a pool, so composing never blocks the bot's event loop.

Threads by default (one engine, shared). With `processes=True` each worker process loads its own
engine: the beam search's Python bookkeeping then no longer competes with the event loop for the
GIL, which on two cores is where a burst's time goes (every socket call of the loop waits for a
compose thread's switch interval). Either way the last `cached` answers are kept: the engine is
deterministic, and a classroom sends the same words many times.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from bot.engine import Composition, Engine
from bot.words import ComposeError

CACHED = 1024  # recent (words, style, n) answers kept


class EnginePool:
    """`await compose(words, style, n)` on `workers` threads or processes, at most that many at once."""

    def __init__(self, engine: Engine, workers: int = 2, processes: bool = False, cached: int = CACHED) -> None:
        self.engine = engine
        self.workers = workers
        self.pool: Executor
        if processes:
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_load, initargs=(str(engine.dir),))
            self._compose = _compose_here
        else:
            self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="compose")
            self._compose = partial(_compose, engine)
        self.cached = cached
        self._cache: OrderedDict[tuple, list[Composition]] = OrderedDict()
        self._composing: dict[tuple, asyncio.Future] = {}  # lists in the pool now, by key

    @property
    def backlogged(self) -> bool:
        """More lists in progress than workers: some wait in the queue."""
        return len(self._composing) > self.workers

    async def compose(self, words: list[str], style: str, n: int = 1) -> list[Composition]:
        key = (tuple(words), style, n)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if key not in self._composing:
            self._composing[key] = asyncio.get_running_loop().run_in_executor(
                self.pool, self._compose, list(words), n, style)
            self._composing[key].add_done_callback(lambda _: self._composing.pop(key, None))
        found = await asyncio.shield(self._composing[key])  # one waiter cancelled leaves it to the others
        if isinstance(found, Refused):
            raise ComposeError(found.korean, found.english)
        self._cache[key] = found
        if len(self._cache) > self.cached:
            self._cache.popitem(last=False)
        return found

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class Refused:
    """A ComposeError as a plain value, so it crosses a process boundary."""

    korean: str
    english: str


def _compose(engine: Engine, words: list[str], n: int, style: str) -> list[Composition] | Refused:
    try:
        return engine.compose(words, n=n, style=style)
    except ComposeError as e:
        return Refused(e.korean, e.english)


_engine: Engine | None = None  # a worker process's own engine


def _load(exported: str) -> None:
    global _engine
    _engine = Engine(exported)


def _compose_here(words: list[str], n: int, style: str) -> list[Composition] | Refused:
    return _compose(_engine, words, n, style)
