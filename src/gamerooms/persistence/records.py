"""Match records as the REST API reads them: the record itself, its history, and who sat where."""

from __future__ import annotations

from typing import Any

from gamerooms.models import MatchRecord, MatchSeat
from gamerooms.rooms.ports import MatchHistory


def find_match(match_id: str) -> MatchRecord | None:
    """The match record with this id, or None."""
    return MatchRecord.objects.filter(id=match_id).first()


def is_finished(record: MatchRecord) -> bool:
    """Whether the match has ended and its result is recorded."""
    return record.status == MatchRecord.Status.FINISHED


def record_summary(record: MatchRecord) -> dict[str, Any]:
    """The record's public fields: game, seats with their players (as they sit now), settings,
    status, result, version (while live, the actions journaled so far) and times."""
    version = record.version if is_finished(record) else record.actions.count()
    return {
        "id": record.id,
        "game": record.game,
        "seats": [{"seat": seat, "player": player} for seat, player in enumerate(record.players)],
        "settings": record.settings,
        "status": record.status,
        "result": record.result,
        "version": version,
        "created_at": record.created_at.isoformat(),
        "finished_at": None if record.finished_at is None else record.finished_at.isoformat(),
    }


def history_of(record: MatchRecord) -> MatchHistory:
    """Everything needed to replay the match: seed, settings, seats and the action log."""
    actions = list(record.actions.order_by("version").values_list("seat", "name", "data"))
    return MatchHistory(
        match_id=record.id,
        game=record.game,
        settings=record.settings,
        players=record.players,
        seed=record.seed,
        actions=actions,
        result=record.result if is_finished(record) else None,
    )


def seat_held(record: MatchRecord, player_id: str) -> int | None:
    """The seat this player sits in, or sat in before a bot took it over; None if neither."""
    for seat, player in enumerate(record.players):
        if player["id"] == player_id:
            return seat
    first = MatchSeat.objects.filter(match=record, player_id=player_id).order_by("seat").first()
    return None if first is None else first.seat
