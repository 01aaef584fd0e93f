"""`version` in a phase where several seats may act at once (docs/protocol.md, Playing).

Blackjack's bets are such a phase: every seat bets, in any order. The version goes up with each
seat's bet, so a seat that sends the version of the state it connected with is refused
`stale_version` once another seat has bet; with the version of the latest update it heard, or
with no version at all, its bet is taken.
"""

from __future__ import annotations

from gamerooms.testing import Closed, ServerProcess
from tests.integration.conftest import guests
from tests.integration.kit import assert_error, join, next_frame


async def test_a_version_goes_stale_as_other_seats_bet(server: ServerProcess) -> None:
    players = guests(server, 3)
    match_id = server.create_match("blackjack", players)
    seated = [await join(server, match_id, player) for player in players]
    clients = [client for client, _ in seated]
    for _, state in seated:
        assert state["version"] == 0 and state["turn"]["seats"] == [0, 1, 2], state
    bet = {"amount": seated[0][1]["state"]["settings"]["min_bet"]}

    first = await clients[0].request("match.action", action="bet", data=bet, version=0)
    assert first["type"] == "match.update" and first["version"] == 1, first
    heard = [await next_frame(client) for client in clients[1:]]
    assert [update["version"] for update in heard] == [1, 1]
    assert heard[0]["turn"]["seats"] == [1, 2], heard[0]

    stale = await clients[1].request("match.action", action="bet", data=bet, version=0)
    assert_error(stale, "stale_version", stale["id"])
    latest = await clients[1].request("match.action", action="bet", data=bet, version=1)
    assert latest["type"] == "match.update" and latest["version"] == 2, latest
    assert (await next_frame(clients[2]))["version"] == 2

    unversioned = await clients[2].request("match.action", action="bet", data=bet)
    assert unversioned["type"] == "match.update" and unversioned["version"] == 3, unversioned
    assert unversioned["seat"] == 2 and unversioned["action"] == {"name": "bet", "data": bet}

    for client in clients:  # the match ends once nobody is left in it
        await client.send("match.leave")
        try:
            while True:
                await client.receive()
        except Closed as closed:
            assert closed.code == 4000
