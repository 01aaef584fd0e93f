"""Rooms: create, join, ready, settings, chat, kick, leave, start; each change one commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gamerooms.engine import GameRegistry
from gamerooms.protocol import frames
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.rooms.announcement import EVERYONE, Announcement, encode_announcement
from gamerooms.rooms.attempts import PasswordAttempts
from gamerooms.rooms.bot_players import bot_player
from gamerooms.rooms.commits import Attempt, commit_retrying
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.holdings import Holdings, LimitReached
from gamerooms.rooms.keys import LISTED_ROOMS, room_key, room_presence_key, room_topic
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.live import LiveMatch
from gamerooms.rooms.lobby import lobby_change
from gamerooms.rooms.matches import MatchService, new_match_id
from gamerooms.rooms.ports import Announcer, Clock, Publication, Store
from gamerooms.rooms.rendering import Reply
from gamerooms.rooms.room import Room, Seat, decode_room, encode_room
from gamerooms.rooms.room_settings import check_max_players, check_settings
from gamerooms.rooms.secrets import check_off_loop, hash_off_loop, new_room_code, normalize_code
from gamerooms.rooms.timers import Timers

SEAT_GRACE_TIMER = "seat"
ROOM_TTL = 24 * 3600.0
COMMIT_ATTEMPTS = 50


class RoomFull(Refusal):
    """Every seat is taken."""

    code = ErrorCode.ROOM_FULL


class WrongPassword(Refusal):
    """The room's password does not match."""

    code = ErrorCode.WRONG_PASSWORD


class AlreadyJoined(Refusal):
    """This socket has joined already."""

    code = ErrorCode.ALREADY_JOINED


class NotOwner(Refusal):
    """Only the room's owner may do this."""

    code = ErrorCode.NOT_OWNER


class NotReady(Refusal):
    """Someone seated is not ready."""

    code = ErrorCode.NOT_READY


class TooFewPlayers(Refusal):
    """Not enough players for the game."""

    code = ErrorCode.TOO_FEW_PLAYERS


class NotMember(Refusal):
    """The player is not seated in this room."""

    code = ErrorCode.NOT_AUTHORIZED


@dataclass(frozen=True)
class Change:
    """A room before and after a change, what the room's sockets hear, and who gets closed."""

    after: Room | None
    frames: dict[str, str]
    close: tuple[list[str], int] | None = None


Mutation = Callable[[Room], Change]


class RoomService:
    """Every room operation loads the room, checks, and commits at the version it read; chat
    lines, which change nothing stored, go to `chat` (the fan-out, in a server)."""

    def __init__(
        self,
        store: Store,
        games: GameRegistry,
        matches: MatchService,
        timers: Timers,
        leases: Leases,
        clock: Clock,
        seat_grace_seconds: float,
        attempts: PasswordAttempts,
        max_rooms_per_player: int,
        chat: Announcer,
    ) -> None:
        self._store = store
        self._chat = chat
        self._games = games
        self._matches = matches
        self._timers = timers
        self._leases = leases
        self._clock = clock
        self._grace = seat_grace_seconds
        self._attempts = attempts
        self._owned = Holdings(store, "rooms", max_rooms_per_player, self._still_owned)
        timers.on(SEAT_GRACE_TIMER, self._grace_expired)
        matches.on_commit(self._match_changed)
        leases.on("room", self.socket_closed)  # room_presence_key: a process died

    async def create(
        self,
        owner: dict[str, Any],
        name: str,
        game: str,
        max_players: int,
        private: bool,
        password: str | None,
        settings: dict[str, Any],
    ) -> Room:
        """A new room with its creator seated as owner (who then connects to the room socket)."""
        return await self.open(
            await self.prepare(owner, name, game, max_players, private, password, settings)
        )

    async def prepare(
        self,
        owner: dict[str, Any],
        name: str,
        game: str,
        max_players: int,
        private: bool,
        password: str | None,
        settings: dict[str, Any],
    ) -> Room:
        """A checked new room with its creator seated as owner, not stored yet; Refusal."""
        if game not in self._games:
            raise NotFound(f"game: no game named {game!r}")
        rules = self._games.get(game)
        if not 1 <= len(name.strip()) <= 60:
            raise Refusal("name: a room name of 1 to 60 characters is required")
        check_max_players(rules, max_players)
        checked = check_settings(rules, settings, max_players)
        await self._owned.check(owner["id"])
        now = self._clock.now()
        return Room(
            id="",
            name=name.strip(),
            game=game,
            owner_id=owner["id"],
            seats=[Seat(owner, False, now)],
            max_players=max_players,
            min_players=rules.min_players,
            private=private,
            password_hash=await hash_off_loop(password) if password else None,
            settings=checked,
            created_at=now,
        )

    async def open(self, room: Room) -> Room:
        """Store a prepared room under a new code, list it and tell the lobby; the room.
        LimitReached if its owner already owns as many rooms as allowed."""
        while True:
            room.id = new_room_code()
            if await self._store.create(room_key(room.id), encode_room(room), ttl=ROOM_TTL):
                break
        try:
            await self._owned.take(room.owner_id, room.id)
        except LimitReached:
            await self._store.delete(room_key(room.id))
            raise
        if not room.private:
            await self._store.set_add(LISTED_ROOMS, room.id)
        change = lobby_change(None, room)
        if change is not None:
            await self._store.publish(*change)
        await self._timers.set(SEAT_GRACE_TIMER, _seat(room.id, room.owner_id), self._grace * 3)
        return room

    async def _still_owned(self, player_id: str, codes: list[str]) -> list[bool]:
        stored = await self._store.load_many([room_key(code) for code in codes])
        return [
            found is not None and decode_room(found[1]).owner_id == player_id for found in stored
        ]

    async def get(self, code: str) -> Room:
        """The room with this code; NotFound if none."""
        stored = await self._store.load(room_key(normalize_code(code)))
        if stored is None:
            raise NotFound(f"no room {code}")
        return decode_room(stored[1])

    async def join(
        self, code: str, player: dict[str, Any], password: str | None, reply: Reply
    ) -> Room:
        """Seat the player (or give them back their seat); sends room.joined, as the reply, to
        the socket whose token `reply` names."""
        player_id = player["id"]
        await self._timers.cancel(SEAT_GRACE_TIMER, _seat(code, player_id))
        verified = await self._verify_password(code, player_id, password)

        def mutate(room: Room) -> Change:
            if room.seat_of(player_id) is not None:
                you = {player_id: frames.room_joined(room.state(), player)}
                return Change(room, you, ([player_id], CloseCode.REPLACED))
            if room.playing:
                raise RoomFull("the match in this room has started")
            if len(room.seats) >= room.max_players:
                raise RoomFull("every seat in this room is taken")
            if room.password_hash is not None and room.password_hash != verified:
                raise WrongPassword("wrong password for this room")
            room.seats.append(Seat(player, False, self._clock.now()))
            state = room.state()
            return Change(
                room,
                {
                    player_id: frames.room_joined(state, player),
                    EVERYONE: frames.room_player_joined(player, state),
                },
            )

        return await self._update(code, mutate, reply=reply, keep=reply.token)

    async def _verify_password(self, code: str, player_id: str, password: str | None) -> str | None:
        """The room's password hash if `password` matches it, checked off the event loop within
        the attempt allowances; None when the room asks no password of this player now (none
        set, seated already, or no seat to take). WrongPassword, RateLimited, NotFound."""
        room = await self.get(code)
        if room.password_hash is None or room.seat_of(player_id) is not None:
            return None
        if room.playing or len(room.seats) >= room.max_players:
            return None
        await self._attempts.take(room.id, player_id)
        if not await check_off_loop(password or "", room.password_hash):
            raise WrongPassword("wrong password for this room")
        await self._attempts.give_back(room.id, player_id)
        return room.password_hash

    async def ready(self, code: str, player_id: str, ready: bool, reply: Reply) -> None:
        """Mark a seated player ready or not."""

        def mutate(room: Room) -> Change:
            seat = _member(room, player_id)
            seat.ready = ready
            return Change(room, {EVERYONE: frames.room_ready(player_id, ready, room.all_ready)})

        await self._update(code, mutate, reply=reply)

    async def configure(
        self,
        code: str,
        player_id: str,
        max_players: int | None,
        settings: dict[str, Any] | None,
        reply: Reply,
    ) -> None:
        """Change the room's size or settings (owner only)."""

        def mutate(room: Room) -> Change:
            _owner(room, player_id)
            rules = self._games.get(room.game)
            if max_players is not None:
                room.max_players = check_max_players(rules, max_players, len(room.seats))
            merged = {**room.settings, **(settings or {})}
            room.settings = check_settings(rules, merged, room.max_players)
            return Change(room, {EVERYONE: frames.room_settings(room.state())})

        await self._update(code, mutate, reply=reply)

    async def chat(self, code: str, player: dict[str, Any], text: str, reply: Reply) -> None:
        """Send a chat line to everyone in the room; the caller's socket has joined the room
        (a kick or a leave closes it), so no store read is needed on this hot path."""
        line = frames.room_chat(player, text, frames.iso(self._clock.now()))
        announcement = Announcement(
            frames={EVERYONE: line}, reply_to=reply.token, request_id=reply.request_id
        )
        await self._chat.announce(room_topic(normalize_code(code)), announcement)

    async def kick(self, code: str, owner_id: str, player_id: str, reply: Reply) -> None:
        """Remove a player (owner only); their sockets close with 4010."""

        def mutate(room: Room) -> Change:
            _owner(room, owner_id)
            if player_id == owner_id:
                raise Refusal("player_id: the owner cannot kick themselves; leave instead")
            if room.seat_of(player_id) is None:
                raise NotFound("player_id: no such player in this room")
            return _without(room, player_id, CloseCode.KICKED)

        await self._update(code, mutate, reply=reply)

    async def leave(self, code: str, player_id: str) -> None:
        """Give up a seat; the leaver's sockets close with 4000."""
        await self._timers.cancel(SEAT_GRACE_TIMER, _seat(code, player_id))

        def mutate(room: Room) -> Change:
            _member(room, player_id)
            return _without(room, player_id, CloseCode.LEFT)

        await self._update(code, mutate)

    async def start(self, code: str, player_id: str, reply: Reply) -> str:
        """Start the match (owner only, everyone ready, enough players counting the bots that
        fill empty seats up to `target_players`); its id."""
        match_id = new_match_id()

        def mutate(room: Room) -> Change:
            _owner(room, player_id)
            if room.playing:
                raise Refusal("the match in this room has already started")
            if not room.all_ready:
                raise NotReady("everyone seated must be ready")
            rules = self._games.get(room.game)
            if len(room.seats) + room.bot_seats < rules.min_players:
                raise TooFewPlayers(f"{room.game} needs at least {rules.min_players} players")
            room.playing, room.match_id = True, match_id
            return Change(room, {})

        room = await self._update(code, mutate)
        level = str(room.settings.get("bot_level") or "random")
        bots = [bot_player(level, number + 1) for number in range(room.bot_seats)]
        players = [seat.player for seat in room.seats] + bots
        await self._matches.create(
            room.game, players, room.settings, match_id=match_id, shuffle=True, room=room.id
        )
        started = Announcement(
            frames={EVERYONE: frames.match_started(match_id)},
            close=[EVERYONE],
            close_code=CloseCode.MOVED,
            reply_to=reply.token,
            request_id=reply.request_id,
        )
        await self._store.publish(room_topic(room.id), encode_announcement(started))
        return match_id

    async def recover(self, code: str) -> None:
        """After a restart nobody is connected: every seat of an open room gets the grace to
        come back (a room whose match is on waits for the match, as before)."""
        try:
            room = await self.get(code)
        except NotFound:
            return
        if room.playing:
            return
        for seat in room.seats:
            await self._timers.set(SEAT_GRACE_TIMER, _seat(code, seat.player_id), self._grace * 3)

    async def socket_opened(self, code: str, player_id: str) -> None:
        """A socket of the player opened in the room (counted as this process's)."""
        await self._leases.hold(room_presence_key(code), player_id)

    async def socket_gone(self, code: str, player_id: str) -> int | None:
        """A socket of the player in the room closed: how many the player has there now (None
        if this one's count was taken back already, with the heartbeat it was held under)."""
        return await self._leases.release(room_presence_key(code), player_id)

    async def socket_closed(self, code: str, player_id: str) -> None:
        """A player's last socket in the room closed (or was on a process that died): keep the
        seat for the grace period."""
        try:
            room = await self.get(code)
        except NotFound:
            return
        if not room.playing and room.seat_of(player_id) is not None:
            await self._timers.set(SEAT_GRACE_TIMER, _seat(code, player_id), self._grace)

    async def _match_changed(self, match: LiveMatch) -> None:
        """When a room's match is over the room opens again, everyone unready, for a rematch;
        who does not come back within a grace period loses the seat."""
        code = match.options.room
        if code is None or not match.finished:
            return

        def mutate(room: Room) -> Change:
            if room.match_id != match.id or not room.playing:
                return Change(room, {})
            room.playing = False
            for seat in room.seats:
                seat.ready = False
            return Change(room, {EVERYONE: frames.room_settings(room.state())})

        try:
            room = await self._update(code, mutate)
        except NotFound:
            return
        for seat in room.seats:
            await self._timers.set(SEAT_GRACE_TIMER, _seat(code, seat.player_id), self._grace * 3)

    async def _grace_expired(self, key: str, payload: bytes) -> None:
        code, _, player_id = key.partition("/")
        connected = await self._store.presence(room_presence_key(code))
        if player_id in connected:
            return
        try:
            await self.leave(code, player_id)
        except (NotFound, NotMember):
            return

    async def _update(
        self,
        code: str,
        mutate: Mutation,
        reply: Reply | None = None,
        keep: str | None = None,
    ) -> Room:
        """Load, mutate, commit at the version read (retrying on conflict), and publish."""
        key = room_key(normalize_code(code))

        async def attempt() -> Attempt[tuple[Room, Room | None]]:
            stored = await self._store.load(key)
            if stored is None:
                raise NotFound(f"no room {code}")
            version, blob = stored
            before = decode_room(blob)
            change = mutate(decode_room(blob))
            publish = _publications(before, change, reply, keep)
            after_blob = None if change.after is None else encode_room(change.after)
            return Attempt(version, after_blob, publish, (before, change.after))

        committed = await commit_retrying(self._store, key, attempt, COMMIT_ATTEMPTS, ROOM_TTL)
        if committed is None:
            raise Refusal("the room is too busy right now; try again")
        before, after = committed
        if after is None:
            await self._store.set_remove(LISTED_ROOMS, before.id)
        return after or before


def _publications(
    before: Room, change: Change, reply: Reply | None, keep: str | None
) -> list[Publication]:
    publish: list[Publication] = []
    if change.frames or change.close:
        announcement = Announcement(frames=change.frames, keep=keep)
        if change.close is not None:
            announcement.close, announcement.close_code = change.close
        if reply is not None:
            announcement.reply_to, announcement.request_id = reply.token, reply.request_id
        publish.append((room_topic(before.id), encode_announcement(announcement)))
    lobby = lobby_change(before, change.after)
    if lobby is not None and (change.after is None or _listed_facts_changed(before, change.after)):
        publish.append(lobby)
    return publish


def _listed_facts_changed(before: Room, after: Room) -> bool:
    return before.summary() != after.summary()


def _without(room: Room, player_id: str, close_code: int) -> Change:
    """The room after a player goes: a new owner if needed, or no room if nobody is left."""
    room.seats = [seat for seat in room.seats if seat.player_id != player_id]
    if not room.seats:
        return Change(None, {}, ([player_id], close_code))
    if room.owner_id == player_id:
        room.owner_id = min(room.seats, key=lambda seat: seat.joined_at).player_id
    left = frames.room_player_left(player_id, room.owner_id, room.state())
    return Change(room, {EVERYONE: left}, ([player_id], close_code))


def _member(room: Room, player_id: str) -> Seat:
    seat = room.seat_of(player_id)
    if seat is None:
        raise NotMember("you are not seated in this room")
    return seat


def _owner(room: Room, player_id: str) -> None:
    _member(room, player_id)
    if room.owner_id != player_id:
        raise NotOwner("only the room's owner may do this")


def _seat(code: str, player_id: str) -> str:
    return f"{normalize_code(code)}/{player_id}"
