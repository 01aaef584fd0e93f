"""Django admin: players, match records with their seats, the read-only action log, and a
page of the live rooms and matches in the store (rooms can be closed and matches ended from it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from gamerooms.engine import MatchOver
from gamerooms.models import ActionRecord, MatchRecord, MatchSeat, Player
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.keys import match_key, room_key
from gamerooms.rooms.live import decode_live
from gamerooms.rooms.room import Room, decode_room
from gamerooms.runtime import current_runtime

if TYPE_CHECKING:
    PlayerModelAdmin = admin.ModelAdmin[Player]
    MatchRecordModelAdmin = admin.ModelAdmin[MatchRecord]
    ActionRecordModelAdmin = admin.ModelAdmin[ActionRecord]
    MatchSeatInlineAdmin = admin.TabularInline[MatchSeat, MatchRecord]
else:  # Django's admin classes are generic for type checkers only.
    PlayerModelAdmin = MatchRecordModelAdmin = ActionRecordModelAdmin = admin.ModelAdmin
    MatchSeatInlineAdmin = admin.TabularInline


@admin.register(Player)
class PlayerAdmin(PlayerModelAdmin):
    """Players: people, guests and bots."""

    list_display = ("id", "name", "is_guest", "is_bot", "user", "created_at")
    list_filter = ("is_guest", "is_bot")
    search_fields = ("id", "name", "user__username")
    readonly_fields = ("id", "created_at")


class MatchSeatInline(MatchSeatInlineAdmin):
    """Who sat where in a match."""

    model = MatchSeat
    fields = ("seat", "player")
    readonly_fields = ("seat", "player")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: MatchRecord | None = None) -> bool:
        """Seats are written by the server only."""
        return False


@admin.register(MatchRecord)
class MatchRecordAdmin(MatchRecordModelAdmin):
    """Match records: result, seats and a link to the replay page; a page of live state."""

    list_display = ("id", "game", "status", "result_summary", "created_at", "replay_link")
    list_filter = ("game", "status")
    search_fields = ("id", "seats__player__id", "seats__player__name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "id",
        "game",
        "settings",
        "players",
        "seed",
        "status",
        "result",
        "version",
        "created_at",
        "finished_at",
        "replay_link",
    )
    inlines = (MatchSeatInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Matches are created by rooms, the queue and `gamerooms match`."""
        return False

    @admin.display(description="result")
    def result_summary(self, record: MatchRecord) -> str:
        """The result in one line: the winners' seats, else the raw result."""
        if record.result is None:
            return "-"
        winners = record.result.get("winners") if isinstance(record.result, dict) else None
        if isinstance(winners, list):
            return "draw" if not winners else "won by seat " + ", ".join(map(str, winners))
        return str(record.result)

    @admin.display(description="replay")
    def replay_link(self, record: MatchRecord) -> str:
        """A link to the demo site's replay page of this match."""
        url = reverse("gamerooms_web:replay", args=[record.id])
        return format_html('<a href="{}">replay</a>', url)

    def get_urls(self) -> list[URLPattern]:
        """The model's pages, plus `live/`: the rooms and matches in the store."""
        live = path("live/", self.admin_site.admin_view(self.live_view), name="gamerooms_live")
        return [live, *super().get_urls()]

    def live_view(self, request: HttpRequest) -> HttpResponse:
        """The live rooms and matches; POST `close` with a room code closes that room, `end`
        with a match id ends that match."""
        if request.method == "POST" and ("close" in request.POST or "end" in request.POST):
            if not self.has_change_permission(request):
                return HttpResponse(status=403)
            if "close" in request.POST:
                self._close_room(request, request.POST["close"])
            else:
                self._end_match(request, request.POST["end"])
            return HttpResponseRedirect(request.path)
        rooms, matches = async_to_sync(live_state)()
        context = {
            **self.admin_site.each_context(request),
            "title": "Live rooms and matches",
            "opts": self.model._meta,
            "rooms": rooms,
            "matches": matches,
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/gamerooms/live.html", context)

    def _close_room(self, request: HttpRequest, code: str) -> None:
        """Close a room, with a message saying how it went."""
        if async_to_sync(close_room)(code):
            messages.success(request, f"Room {code} closed.")
        else:
            messages.warning(request, f"No room {code}.")

    def _end_match(self, request: HttpRequest, match_id: str) -> None:
        """End a match at once (reason `ended`), with a message saying how it went."""
        try:
            async_to_sync(end_match)(match_id)
        except NotFound:
            messages.warning(request, f"No match {match_id}.")
        except MatchOver:
            messages.warning(request, f"Match {match_id} is already over.")
        else:
            messages.success(request, f"Match {match_id} ended.")


@admin.register(ActionRecord)
class ActionRecordAdmin(ActionRecordModelAdmin):
    """The action log, read-only: it is what replays are made of."""

    list_display = ("match", "version", "seat", "name", "at")
    list_filter = ("name",)
    search_fields = ("match__id",)
    list_select_related = ("match",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """The log is written by the server only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: ActionRecord | None = None) -> bool:
        """The log is never edited."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ActionRecord | None = None) -> bool:
        """The log is never edited."""
        return False


@dataclass(frozen=True)
class LiveMatchRow:
    """A live match as the admin lists it."""

    id: str
    game: str
    status: str
    players: list[dict[str, Any]]
    version: int
    paused_seat: int | None


async def live_state() -> tuple[list[Room], list[LiveMatchRow]]:
    """Every room and live match in the store (a slow scan), rooms oldest first."""
    runtime = current_runtime()
    store = runtime.store
    room_keys = await store.document_keys(room_key(""))
    rooms = [decode_room(found[1]) for found in await store.load_many(room_keys) if found]
    match_keys = await store.document_keys(match_key(""))
    matches = []
    for found in await store.load_many(match_keys):
        if found is None:
            continue
        live = decode_live(found[1], found[0], runtime.games)
        paused = None if live.pause is None else live.pause.seat
        row = LiveMatchRow(
            live.id, live.game.name, live.status, live.players, live.core.version, paused
        )
        matches.append(row)
    return sorted(rooms, key=lambda room: room.created_at), matches


async def close_room(code: str) -> bool:
    """Close a room: every seated player leaves it (their sockets close, the last one's leaving
    removes it); False if there is no such room."""
    rooms = current_runtime().rooms
    try:
        room = await rooms.get(code)
    except NotFound:
        return False
    for seat in room.seats:
        try:
            await rooms.leave(room.id, seat.player_id)
        except Refusal:
            continue
    return True


async def end_match(match_id: str) -> None:
    """End a match now, active or paused, as the server's operator: finished, reason `ended`
    (NotFound if there is no such match, MatchOver if it is over already)."""
    await current_runtime().pauses.end_by_operator(match_id)
