"""Two real clients play tic-tac-toe to the end on a real server."""

from __future__ import annotations

from typing import Any

from gamerooms.testing import GameClient, ServerProcess
from tests.integration.conftest import guests, seat_clients


async def play(clients: list[GameClient], cells: list[int]) -> list[dict[str, Any]]:
    """Alternate moves from seat 0; every client must see every update, in order."""
    last: list[dict[str, Any]] = []
    for index, cell in enumerate(cells):
        mover = clients[index % 2]
        reply = await mover.request("match.action", action="place", data={"cell": cell})
        assert reply["type"] == "match.update", reply
        updates = [reply] + [await c.expect("match.update") for c in clients if c is not mover]
        for update in updates:
            assert update["version"] == index + 1
            assert update["seat"] == index % 2
            assert update["action"] == {"name": "place", "data": {"cell": cell}}
            assert update["state"]["board"][cell] == index % 2
        last = updates
    return last


async def test_two_players_play_to_a_win(server: ServerProcess) -> None:
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    clients = await seat_clients(server, match_id, players)
    final = await play(clients, [0, 3, 1, 4, 2])
    for update in final:
        assert update["status"] == "finished"
        assert update["result"]["winners"] == [0]
        assert update["turn"]["seats"] == []
        assert {"type": "line", "cells": [0, 1, 2]} in update["events"]
    late = await clients[1].request("match.action", action="place", data={"cell": 8})
    assert late["type"] == "error" and late["code"] == "match_over"
    for client in clients:
        await client.close()


async def test_two_players_play_to_a_draw(server: ServerProcess) -> None:
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    clients = await seat_clients(server, match_id, players)
    final = await play(clients, [0, 1, 2, 4, 3, 5, 7, 6, 8])
    for update in final:
        assert update["status"] == "finished"
        assert update["result"]["winners"] == []
        assert update["result"]["reason"] == "draw"
    for client in clients:
        await client.close()


async def test_reconnecting_client_gets_current_state(server: ServerProcess) -> None:
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    clients = await seat_clients(server, match_id, players)
    await play(clients, [4, 0])
    await clients[1].close()
    again = await GameClient.connect(server.ws_url(f"/ws/matches/{match_id}/", players[1].access))
    state = await again.expect("match.state")
    assert state["version"] == 2
    assert state["seat"] == 1
    assert state["state"]["board"][4] == 0 and state["state"]["board"][0] == 1
    assert state["turn"]["seats"] == [0]
    await again.close()
    await clients[0].close()


async def test_chat_reaches_everyone(server: ServerProcess) -> None:
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    clients = await seat_clients(server, match_id, players)
    reply = await clients[0].request("match.chat", text="good luck")
    heard = await clients[1].expect("match.chat")
    for line in (reply, heard):
        assert line["type"] == "match.chat"
        assert line["text"] == "good luck"
        assert line["from"]["id"] == players[0].id
    for client in clients:
        await client.close()
