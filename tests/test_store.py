"""The store contract, run the same against SQLite and a real Redis."""

from __future__ import annotations

import pytest

from bot.store import KEEP, RedisStore, SQLiteStore, open_store


@pytest.fixture(params=["sqlite", "redis"])
async def store(request, tmp_path):
    spec = tmp_path / "s.sqlite3" if request.param == "sqlite" else request.getfixturevalue("redis_url")
    s = open_store(spec)
    assert isinstance(s, SQLiteStore if request.param == "sqlite" else RedisStore)
    yield s
    await s.close()


async def test_settings_per_user(store):
    assert await store.settings(1) == {}
    await store.set_settings(1, {"style": "polite"})
    await store.set_settings(1, {"style": "plain", "awaiting": {"words": ["숲"]}})
    assert await store.settings(1) == {"style": "plain", "awaiting": {"words": ["숲"]}}
    assert await store.settings(2) == {}


async def test_entries_newest_first_and_capped(store):
    for i in range(KEEP["history"] + 3):
        await store.add(1, "history", {"sentence": f"문장 {i}."})
    await store.add(2, "history", {"sentence": "남의 문장."})
    history = await store.entries(1, "history", 100)
    assert [e["sentence"] for e in history] == [f"문장 {i}." for i in range(KEEP["history"] + 2, 2, -1)]
    assert all(e["at"] > 0 for e in history)
    saved = await store.add(1, "saved", {"sentence": "저장한 문장."})
    assert (await store.entry(1, "saved", saved))["sentence"] == "저장한 문장."
    assert await store.entry(2, "saved", saved) is None  # another user's id finds nothing
    assert await store.entries(1, "saved", 1) == [await store.entry(1, "saved", saved)]


async def test_feedback_is_taken_once_oldest_first_and_forget_removes_the_rest(store):
    await store.add(1, "feedback", {"correction": "하나."})
    await store.add(2, "feedback", {"correction": "둘."})
    taken = await store.take_feedback()
    assert [f["correction"] for f in taken] == ["하나.", "둘."]
    assert await store.take_feedback() == []
    await store.add(1, "feedback", {"correction": "셋."})
    await store.forget(1)
    assert await store.take_feedback() == []


async def test_buttons_are_shared_by_key_and_forgotten_with_their_user(store):
    key = await store.put_button(1, {"words": ["숲"], "index": 0})
    assert len(key.encode()) <= 20
    assert await store.button(key) == {"words": ["숲"], "index": 0}
    assert await store.put_button(1, {"words": ["숲"], "index": 1}, key) == key
    assert (await store.button(key))["index"] == 1
    other = await store.put_button(2, {"words": ["강"]})
    await store.set_settings(1, {"style": "plain"})
    await store.add(1, "saved", {"sentence": "문장."})
    await store.forget(1)
    assert await store.button(key) is None and await store.settings(1) == {}
    assert await store.entries(1, "saved", 20) == []
    assert await store.button(other) == {"words": ["강"]}
    assert await store.button("no-such-key") is None


async def test_a_second_connection_sees_the_same_data(store, tmp_path):
    """Two processes share one store: a second client reads what the first wrote."""
    spec = store.redis.connection_pool.connection_kwargs if isinstance(store, RedisStore) else None
    twin = (RedisStore(f"redis://{spec['host']}:{spec['port']}/{spec.get('db', 0)}") if spec
            else SQLiteStore(tmp_path / "s.sqlite3"))
    key = await store.put_button(1, {"index": 2})
    await store.set_settings(1, {"style": "formal"})
    assert await twin.button(key) == {"index": 2}
    assert await twin.settings(1) == {"style": "formal"}
    await twin.close()


async def test_one_user_cannot_expire_another_users_buttons(store):
    """Issue 10, item 9: 4,100 messages from one user once evicted another user's button state
    from a shared 4,096-entry cache; in the store each message's state is its own row."""
    mine = await store.put_button(1, {"words": ["숲", "늑대"], "index": 0})
    for i in range(4_100):
        await store.put_button(2, {"words": ["강"], "index": i})
    assert await store.button(mine) == {"words": ["숲", "늑대"], "index": 0}
