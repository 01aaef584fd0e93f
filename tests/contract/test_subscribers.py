"""`subscribers` counts the subscriptions to a topic in every process, as they come and go."""

from __future__ import annotations

from gamerooms.rooms.ports import Store


def _ignore(payload: bytes) -> None:
    """A listener that wants nothing."""


async def test_subscribers_counts_every_process_s_subscriptions(store: Store, peer: Store) -> None:
    assert await store.subscribers("room:COUNT") == 0
    mine = await store.subscribe("room:COUNT", _ignore)
    assert await store.subscribers("room:COUNT") == 1
    theirs = await peer.subscribe("room:COUNT", _ignore)
    assert await store.subscribers("room:COUNT") == 2
    assert await peer.subscribers("room:COUNT") == 2
    assert await store.subscribers("room:OTHER") == 0
    await theirs.close()
    assert await store.subscribers("room:COUNT") == 1
    await mine.close()
    assert await peer.subscribers("room:COUNT") == 0
