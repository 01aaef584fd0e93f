"""gamerooms.js itself, run in the browser: requests and their ids, errors with protocol codes,
the hand-off, reconnection with backoff after a network loss, and no reconnection after the close
codes that say stop."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser_kit import Players

pytestmark = pytest.mark.browser

PRELUDE = """
  const { GameroomsClient, GameroomsError, CloseCode } =
    await import("/static/gamerooms/gamerooms.js");
  const outcome = async (promise) => {
    try {
      await promise;
      return "resolved";
    } catch (error) {
      return error instanceof GameroomsError ? error.code : `not a GameroomsError: ${error}`;
    }
  };
  const FAST = { initial: 100, factor: 2, max: 2000, jitter: 0 };
"""
"""Imports the client into the page; `outcome(promise)` is "resolved" or the rejection's code."""


def run(page: Page, body: str, arg: Any = None) -> Any:
    """Run an async JS function body (after PRELUDE) in the page; its result."""
    return page.evaluate("async (arg) => {" + PRELUDE + body + "}", arg)


def blank(players: Players) -> Page:
    """A page of the site with no player signed in (the landing page)."""
    page = players.page()
    page.goto("/")
    expect(page.get_by_test_id("landing-form")).to_be_visible()
    page.evaluate("""() => {
      window.sent = [];
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        window.sent.push({ ...JSON.parse(data), socket: this.url });
        return send.call(this, data);
      };
    }""")
    return page


def test_requests_resolve_with_their_reply_and_reject_with_protocol_codes(
    players: Players,
) -> None:
    page = blank(players)
    out = run(
        page,
        """
  const ann = new GameroomsClient();
  const ben = new GameroomsClient();
  const cat = new GameroomsClient();
  await ann.guest("Ann", { emoji: "🦊", color: "#ff8800" });
  await ben.guest("Ben");
  await cat.guest("Cat");
  const out = { player: ann.player };

  await ann.connectLobby();
  out.filtered = Array.isArray(await ann.filterLobby("tictactoe", true));
  const room = await ann.createRoom({ name: "Unit", game: "tictactoe", maxPlayers: 2 });
  out.badRoom = await outcome(ann.createRoom({ name: "", game: "tictactoe", maxPlayers: 2 }));
  out.joined = (await ann.joinRoom(room.id)).you.id === ann.player.id;

  const chat = await ann.roomChat("hello");
  const sentChat = window.sent.find((frame) => frame.type === "room.chat");
  out.chat = { type: chat.type, text: chat.text, id: chat.id, sentId: sentChat.id };
  out.emptyChat = await outcome(ann.roomChat(""));
  out.notReady = await outcome(ann.startMatch());
  await ben.joinRoom(room.id);
  out.notOwner = await outcome(ben.startMatch());
  out.kickNobody = await outcome(ann.kick("nobody"));
  out.kickOwner = await outcome(ben.kick(ann.player.id));
  const kicked = ben.once("closed");
  const left = await ann.kick(ben.player.id);
  out.kick = [left.type, left.player_id === ben.player.id, (await kicked).code];
  await ben.joinRoom(room.id);
  out.notOwnerSettings = await outcome(ben.changeRoomSettings({ maxPlayers: 2 }));
  const changed = await ann.changeRoomSettings({ settings: { turn_seconds: 60 } });
  out.settings = changed.settings.turn_seconds;
  out.benReady = (await ben.setReady(true)).all_ready;
  out.fullRoom = await outcome(cat.joinRoom(room.id));
  out.noRoom = await outcome(cat.joinRoom("ZZZZZZ"));
  out.catRoomClose = cat.room === null;

  const handoffs = Promise.all([ann.once("handoff"), ben.once("handoff")]);
  const states = Promise.all([ann.once("match.state"), ben.once("match.state")]);
  await ann.setReady(true);
  out.matchId = await ann.startMatch();
  out.handoffs = (await handoffs).map((event) => [event.from, event.matchId]);
  await states;
  out.roomClosed = ann.room === null && ben.room === null;

  const [first, second] = ann.matchSnapshot.turn.seats.includes(ann.matchSnapshot.seat)
    ? [ann, ben] : [ben, ann];
  out.notYourTurn = await outcome(second.act("place", { cell: 0 }));
  const update = await first.act("place", { cell: 4 });
  const sentAction = window.sent.filter((frame) => frame.type === "match.action").at(-1);
  out.update = { type: update.type, id: update.id, sentId: sentAction.id, version: update.version,
                 sentVersion: sentAction.version, deadline: update.turn.deadline !== null };
  if (second.matchSnapshot.version < 1) await second.once("match.update");
  out.secondSees = second.matchSnapshot.state.board[4];
  out.firstSeat = first.matchSnapshot.seat;
  out.illegal = await outcome(second.act("place", { cell: 4 }));
  out.stale = await outcome(second.act("place", { cell: 0 }, { version: 0 }));
  out.noSuchAction = await outcome(second.act("fly", {}));
  out.notPaused = await outcome(second.replaceWithBot(first.matchSnapshot.seat));
  const line = await second.matchChat("gg");
  out.matchChat = [line.type, line.text, line.from.name];
  out.notSeated = await outcome(cat.openMatch(out.matchId));
  out.noMatch = await outcome(cat.openMatch("nope"));
  out.ids = window.sent
    .filter((frame) => frame.id !== undefined && frame.socket.includes(ann.session.access))
    .map((frame) => frame.id);
  for (const client of [ann, ben, cat]) client.close();
  return out;
""",
    )
    assert out["player"]["name"] == "Ann"
    assert out["player"]["avatar"] == {"emoji": "🦊", "color": "#ff8800"}
    assert out["filtered"] is True
    assert out["badRoom"] == "bad_message"
    assert out["joined"] is True
    assert out["chat"]["type"] == "room.chat"
    assert out["chat"]["text"] == "hello"
    assert out["chat"]["id"] == out["chat"]["sentId"]
    assert out["emptyChat"] == "bad_message"
    assert out["notReady"] == "not_ready"
    assert out["notOwner"] == "not_owner"
    assert out["kickNobody"] == "not_found"
    assert out["kickOwner"] == "not_owner"
    assert out["kick"] == ["room.player_left", True, 4010]
    assert out["notOwnerSettings"] == "not_owner"
    assert out["settings"] == 60
    assert out["benReady"] is False
    assert out["fullRoom"] == "room_full"
    assert out["noRoom"] == "not_found"
    assert out["catRoomClose"] is True
    assert out["handoffs"] == [["room", out["matchId"]], ["room", out["matchId"]]]
    assert out["roomClosed"] is True
    assert out["notYourTurn"] == "not_your_turn"
    assert out["update"] == {
        "type": "match.update",
        "id": out["update"]["sentId"],
        "sentId": out["update"]["sentId"],
        "version": 1,
        "sentVersion": 0,
        "deadline": True,
    }
    assert out["secondSees"] == out["firstSeat"]
    assert out["illegal"] == "illegal_action"
    assert out["stale"] == "stale_version"
    assert out["noSuchAction"] in ("illegal_action", "bad_message")
    assert out["notPaused"] == "illegal_action"
    assert out["matchChat"] == ["match.chat", "gg", out["matchChat"][2]]
    assert out["notSeated"] == "not_authorized"
    assert out["noMatch"] == "not_found"
    assert len(out["ids"]) > 5
    assert out["ids"] == sorted(set(out["ids"])), "a client's request ids are unique"


def test_the_queue_hands_off_to_the_match_and_cancel_resolves(players: Players) -> None:
    page = blank(players)
    out = run(
        page,
        """
  const [a, b] = [new GameroomsClient(), new GameroomsClient()];
  await a.guest("A");
  await b.guest("B");
  const out = {};
  out.first = (await a.joinQueue("tictactoe")).type;
  out.resized = (await a.changeQueueSize(2)).type;
  out.cancelled = await a.cancelQueue();
  out.closeCode = a.queue === null;
  out.badSize = await outcome(a.joinQueue("tictactoe", { players: 5 }));
  out.noGame = await outcome(a.joinQueue("chess"));
  const found = Promise.all([a.once("handoff"), b.once("handoff")]);
  await a.joinQueue("tictactoe");
  await b.joinQueue("tictactoe");
  const [ha, hb] = await found;
  await Promise.all([a.match.ready, b.match.ready]);
  out.same = ha.matchId === hb.matchId && ha.from === "queue";
  out.seats = [a.matchSnapshot.seat, b.matchSnapshot.seat].sort();
  a.close();
  b.close();
  return out;
""",
    )
    assert out == {
        "first": "queue.waiting",
        "resized": "queue.waiting",
        "cancelled": True,
        "closeCode": True,
        "badSize": "bad_message",
        "noGame": "not_found",
        "same": True,
        "seats": [0, 1],
    }


def test_reconnects_with_backoff_after_a_network_loss_and_resyncs(players: Players) -> None:
    pages = [blank(players), blank(players)]
    a, b = pages
    for page, name in ((a, "Ann"), (b, "Ben")):
        run(
            page,
            """
  window.client = new GameroomsClient({ backoff: FAST });
  window.log = [];
  await client.guest(arg);
  client.on("reconnecting", (event) => log.push(["reconnecting", event.attempt, event.delay]));
  client.on("match.state", (frame) => log.push(["match.state", frame.version]));
  client.on("connection", (event) => log.push(["connection", event.state]));
  client.joinQueue("tictactoe");
""",
            name,
        )
    for page in pages:
        page.wait_for_function("() => window.client.matchSnapshot !== null")
    # Make it B's turn, so that B moves while A is away.
    if a.evaluate("client.matchSnapshot.turn.seats.includes(client.matchSnapshot.seat)"):
        run(a, "await window.client.act('place', { cell: 0 });")
        b.wait_for_function("() => window.client.matchSnapshot.version === 1")

    a.context.set_offline(True)
    a.wait_for_function("() => log.filter(([kind]) => kind === 'reconnecting').length >= 1")
    version = run(b, "return (await window.client.act('place', { cell: 4 })).version;")
    a.wait_for_function("() => log.filter(([kind]) => kind === 'reconnecting').length >= 3")
    assert a.evaluate("client.match.state") == "reconnecting"
    a.context.set_offline(False)

    a.wait_for_function(
        "(v) => client.matchSnapshot.version === v && client.matchSnapshot.status === 'active'",
        arg=version,
    )
    log = a.evaluate("log")
    delays = [entry[2] for entry in log if entry[0] == "reconnecting"]
    assert delays[:3] == [100, 200, 400], log
    states = [entry for entry in log if entry[0] == "match.state"]
    assert len(states) == 2 and states[1][1] == version, log
    assert a.evaluate("client.matchSnapshot.state.board[4]") == b.evaluate(
        "client.matchSnapshot.seat"
    )
    assert a.evaluate("client.match.attempt") == 0

    # A socket closed under the client's feet (not by the server's "stop" codes) is reopened too.
    a.evaluate("client.match.socket.close()")
    a.wait_for_function("() => log.filter(([kind]) => kind === 'match.state').length === 3")
    for page in pages:
        page.evaluate("client.close()")


def test_no_reconnection_after_the_close_codes_that_say_stop(players: Players) -> None:
    page = blank(players)
    opened: list[str] = []
    page.on("websocket", lambda socket: opened.append(socket.url.split("?")[0]))
    out = run(
        page,
        """
  const ann = new GameroomsClient({ backoff: FAST });
  await ann.guest("Ann");
  const twin = new GameroomsClient({ backoff: FAST });
  twin.setSession(ann.session);
  const events = [];
  for (const client of [ann, twin]) {
    client.on("reconnecting", (event) => events.push(["reconnecting", event.kind, event.code]));
    client.on("closed", (event) => events.push(["closed", event.kind, event.code]));
  }
  const out = {};

  // 4000: the player cancelled, or left.
  await ann.joinQueue("tictactoe");
  out.cancelled = await ann.cancelQueue();
  const room = await ann.createRoom({ name: "Stop", game: "tictactoe", maxPlayers: 2 });
  await ann.joinRoom(room.id);
  await ann.leaveRoom();

  // 4009: the same player opened a newer socket for the room.
  const again = await ann.createRoom({ name: "Twice", game: "tictactoe", maxPlayers: 2 });
  await ann.joinRoom(again.id);
  const replaced = ann.once("closed");
  await twin.joinRoom(again.id);
  out.replaced = (await replaced).error.code;

  // 4004: no such room.
  out.missing = await outcome(ann.joinRoom("ZZZZZZ"));

  // 4002: a bad token that cannot be refreshed either.
  const stranger = new GameroomsClient({ backoff: FAST });
  stranger.setSession({ access: "not-a-token", refresh: "nor-this", player: ann.player });
  stranger.on("reconnecting", (event) => events.push(["reconnecting", event.kind, event.code]));
  out.unauthorized = await outcome(stranger.connectLobby());

  // Long enough for several retries at the FAST backoff, had any been scheduled.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  out.events = events;
  out.states = [ann.queue, ann.room, stranger.lobby];
  out.rooms = [room.id, again.id];
  twin.close();
  return out;
""",
    )
    assert out["cancelled"] is True
    assert out["replaced"] == "replaced"
    assert out["missing"] == "not_found"
    assert out["unauthorized"] == "not_authorized"
    assert [event for event in out["events"] if event[0] == "reconnecting"] == []
    closes = [event[2] for event in out["events"] if event[0] == "closed"]
    assert closes == [4000, 4000, 4009, 4004], out["events"]
    assert out["states"] == [None, None, None]
    # Each socket was opened once (the room twice: Ann, then her twin); none again after its stop.
    url = players.server.ws_url
    assert opened == [
        url("/ws/queue/tictactoe/"),
        url(f"/ws/rooms/{out['rooms'][0]}/"),
        url(f"/ws/rooms/{out['rooms'][1]}/"),
        url(f"/ws/rooms/{out['rooms'][1]}/"),
        url("/ws/rooms/ZZZZZZ/"),
        url("/ws/lobby/"),
    ]


def test_a_refused_token_is_refreshed_once_and_the_socket_reopened(players: Players) -> None:
    page = blank(players)
    out = run(
        page,
        """
  const ann = new GameroomsClient({ backoff: FAST });
  await ann.guest("Ann");
  const states = [];
  ann.on("connection", (event) => states.push(event.state));
  ann.on("reconnecting", (event) => states.push(`backoff ${event.delay}`));
  ann.setSession({ ...ann.session, access: "expired-or-forged" });
  const rooms = await ann.connectLobby();
  const out = {
    rooms: Array.isArray(rooms),
    fresh: ann.session.access !== "expired-or-forged",
    states,
  };
  ann.close();
  return out;
""",
    )
    # Refused (4002), refreshed, and reopened at once: no backoff.
    assert out == {"rooms": True, "fresh": True, "states": ["connecting", "reconnecting", "open"]}


def test_accounts_register_and_log_in(players: Players) -> None:
    page = blank(players)
    out = run(
        page,
        """
  const username = `user${Date.now()}`;
  const first = new GameroomsClient({ storage: window.sessionStorage, storageKey: "t.session" });
  await first.register(username, "correct horse battery");
  const second = new GameroomsClient();
  const wrong = await outcome(second.login(username, "wrong"));
  await second.login(username, "correct horse battery");
  const stored = JSON.parse(sessionStorage.getItem("t.session"));
  const restored = new GameroomsClient({ storage: window.sessionStorage, storageKey: "t.session" });
  return {
    wrong,
    same: second.player.id === first.player.id,
    stored: stored.player.id === first.player.id,
    restored: restored.player.id === first.player.id,
  };
""",
    )
    assert out == {"wrong": "not_authorized", "same": True, "stored": True, "restored": True}
