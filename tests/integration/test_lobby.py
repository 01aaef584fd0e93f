"""The lobby on a real server (docs/protocol.md): the room list, live updates, filters, drafts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from gamerooms.testing import ServerProcess
from tests.integration.kit import close_all
from tests.integration.rooms_kit import (
    create_room,
    guest,
    join_room,
    lobby_barrier,
    new_room,
    next_about,
    open_lobby,
    seated,
    tuned_server,
)

DRAFT_SECONDS = 1.0


@pytest.fixture(scope="module", params=["memory", "redis"])
def quick_drafts(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server per backend whose drafts lapse after DRAFT_SECONDS."""
    with tuned_server(request.param, DRAFT_SECONDS=DRAFT_SECONDS) as process:
        yield process


async def test_lobby_lists_listed_rooms_but_not_private_ones(server: ServerProcess) -> None:
    owner = guest(server)
    public = await new_room(server, owner)
    private = await new_room(server, owner, private=True)
    lobby, rooms = await open_lobby(server, guest(server))
    listed = {room["id"]: room for room in rooms}
    assert listed[public["id"]] == public
    assert private["id"] not in listed
    assert all(not room["private"] for room in rooms)
    await lobby.close()


async def test_room_changes_reach_the_lobby_live(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    watcher, _ = await open_lobby(server, guest(server))
    creator, _ = await open_lobby(server, owner)
    room = await create_room(creator)
    code = room["id"]
    assert await next_about(watcher, {code}) == {"type": "lobby.room_added", "room": room}

    owner_socket, _ = await join_room(server, owner, code)
    other_socket, _ = await join_room(server, other, code)
    updated = await next_about(watcher, {code})
    assert updated["type"] == "lobby.room_updated", updated
    assert updated["room"]["players"] == [owner.player, other.player]
    assert updated["room"]["status"] == "full"

    await other_socket.send("room.leave")
    assert await other_socket.closed() == 4000
    updated = await next_about(watcher, {code})
    assert updated["type"] == "lobby.room_updated", updated
    assert updated["room"]["players"] == [owner.player]
    assert updated["room"]["status"] == "open"

    reply = await owner_socket.request("room.settings", settings={"bot_level": "hard"})
    assert reply["type"] == "room.settings", reply
    updated = await next_about(watcher, {code})
    assert updated["type"] == "lobby.room_updated", updated
    assert updated["room"]["settings"]["bot_level"] == "hard"

    other_socket, _ = await join_room(server, other, code)
    assert (await next_about(watcher, {code}))["room"]["status"] == "full"
    for socket in (owner_socket, other_socket):
        await socket.send("room.ready", ready=True)
        for member in (owner_socket, other_socket):
            await member.wait_for("room.ready")
    await lobby_barrier(server, [watcher], {code})

    started = await owner_socket.request("room.start")
    assert started["type"] == "match.started", started
    updated = await next_about(watcher, {code})
    assert updated["type"] == "lobby.room_updated", updated
    assert updated["room"]["status"] == "playing"
    await close_all([watcher, creator, owner_socket, other_socket])


async def test_last_player_leaving_removes_the_room(server: ServerProcess) -> None:
    owner = guest(server)
    watcher, _ = await open_lobby(server, guest(server))
    room = await new_room(server, owner)
    assert (await next_about(watcher, {room["id"]}))["type"] == "lobby.room_added"
    socket, _ = await join_room(server, owner, room["id"])
    await socket.send("room.leave")
    assert await socket.closed() == 4000
    removed = await next_about(watcher, {room["id"]})
    assert removed == {"type": "lobby.room_removed", "room_id": room["id"]}
    late, rooms = await open_lobby(server, guest(server))
    assert room["id"] not in {listed["id"] for listed in rooms}
    await close_all([watcher, late])


async def test_private_rooms_never_reach_the_lobby(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    watcher, _ = await open_lobby(server, guest(server))
    room = await new_room(server, owner, private=True)
    assert room["private"] is True
    clients = [(await join_room(server, player, room["id"]))[0] for player in (owner, other)]
    await lobby_barrier(server, [watcher], {room["id"]})
    await close_all([watcher, *clients])


async def test_filter_by_game(server: ServerProcess) -> None:
    owner = guest(server)
    tictactoe, _ = await open_lobby(server, guest(server))
    chess, _ = await open_lobby(server, guest(server))
    listing = await tictactoe.request("lobby.filter", game="tictactoe", only_open=False)
    assert listing["type"] == "lobby.rooms", listing
    assert all(room["game"] == "tictactoe" for room in listing["rooms"])
    listing = await chess.request("lobby.filter", game="chess", only_open=False)
    assert listing == {"type": "lobby.rooms", "rooms": [], "id": listing["id"]}

    room = await new_room(server, owner)
    assert await next_about(tictactoe, {room["id"]}) == {"type": "lobby.room_added", "room": room}
    await lobby_barrier(server, [chess], {room["id"]})

    listing = await chess.request("lobby.filter", game=None, only_open=False)
    assert room in listing["rooms"]
    await close_all([tictactoe, chess])


async def test_only_open_lobby_drops_rooms_that_fill_up(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    full, full_clients = await seated(server, [guest(server), guest(server)])
    room = await new_room(server, owner)
    watcher, _ = await open_lobby(server, guest(server))
    listing = await watcher.request("lobby.filter", game=None, only_open=True)
    listed = {listed["id"] for listed in listing["rooms"]}
    assert room["id"] in listed and full["id"] not in listed
    assert all(listed["status"] == "open" for listed in listing["rooms"])

    owner_socket, _ = await join_room(server, owner, room["id"])
    other_socket, _ = await join_room(server, other, room["id"])
    removed = await next_about(watcher, {room["id"]})
    assert removed == {"type": "lobby.room_removed", "room_id": room["id"]}

    await other_socket.send("room.leave")
    added = await next_about(watcher, {room["id"]})
    assert added["type"] == "lobby.room_added", added
    assert added["room"]["players"] == [owner.player] and added["room"]["status"] == "open"
    await close_all([watcher, owner_socket, other_socket, *full_clients])


async def test_drafts_are_announced_to_every_lobby(server: ServerProcess) -> None:
    drafter = guest(server)
    watcher, _ = await open_lobby(server, guest(server))
    lobby, _ = await open_lobby(server, drafter)
    await lobby.send("room.drafting")
    pending = await next_about(watcher, {drafter.id})
    assert pending["type"] == "lobby.room_pending", pending
    assert pending["by"] == drafter.player and isinstance(pending["pending_id"], str)
    pending_id = pending["pending_id"]

    late, _ = await open_lobby(server, guest(server))
    assert await next_about(late, {pending_id}) == pending

    await lobby.send("room.draft_cancel")
    cancelled = {"type": "lobby.room_pending_cancelled", "pending_id": pending_id}
    assert await next_about(watcher, {pending_id}) == cancelled
    assert await next_about(late, {pending_id}) == cancelled
    await close_all([watcher, lobby, late])


async def test_creating_the_room_ends_the_draft_before_the_room_is_added(
    server: ServerProcess,
) -> None:
    drafter = guest(server)
    watcher, _ = await open_lobby(server, guest(server))
    lobby, _ = await open_lobby(server, drafter)
    await lobby.send("room.drafting")
    pending_id = (await next_about(watcher, {drafter.id}))["pending_id"]
    room = await create_room(lobby)
    watched = {pending_id, room["id"]}
    cancelled = {"type": "lobby.room_pending_cancelled", "pending_id": pending_id}
    assert await next_about(watcher, watched) == cancelled
    assert await next_about(watcher, watched) == {"type": "lobby.room_added", "room": room}
    await close_all([watcher, lobby])


async def test_the_drafters_disconnect_cancels_the_draft(server: ServerProcess) -> None:
    drafter = guest(server)
    watcher, _ = await open_lobby(server, guest(server))
    lobby, _ = await open_lobby(server, drafter)
    await lobby.send("room.drafting")
    pending_id = (await next_about(watcher, {drafter.id}))["pending_id"]
    await lobby.close()
    cancelled = await next_about(watcher, {pending_id})
    assert cancelled == {"type": "lobby.room_pending_cancelled", "pending_id": pending_id}
    await watcher.close()


async def test_a_draft_lapses_by_itself(quick_drafts: ServerProcess) -> None:
    server = quick_drafts
    drafter = guest(server)
    watcher, _ = await open_lobby(server, guest(server))
    lobby, _ = await open_lobby(server, drafter)
    await lobby.send("room.drafting")
    pending_id = (await next_about(watcher, {drafter.id}))["pending_id"]
    drafted = time.monotonic()
    cancelled = await next_about(watcher, {pending_id}, timeout=DRAFT_SECONDS + 10)
    assert cancelled == {"type": "lobby.room_pending_cancelled", "pending_id": pending_id}
    assert time.monotonic() - drafted >= DRAFT_SECONDS * 0.9
    late, _ = await open_lobby(server, guest(server))
    await lobby_barrier(server, [late], {pending_id, drafter.id})

    await lobby.send("room.drafting")
    again = await next_about(watcher, {drafter.id})
    assert again["type"] == "lobby.room_pending" and again["pending_id"] != pending_id, again
    await close_all([watcher, lobby, late])
