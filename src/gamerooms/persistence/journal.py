"""The match journal in the database: match records, seats and the action log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from gamerooms.engine import StaleVersion
from gamerooms.models import ActionRecord, MatchRecord, MatchSeat, Player
from gamerooms.persistence.loop_writer import (
    LoopSqliteWriter,
    database_json,
    database_time,
    insert,
    insert_if_known,
    update,
)
from gamerooms.persistence.records import find_match, history_of
from gamerooms.persistence.writer import DatabaseWriter
from gamerooms.rooms.background import spawn
from gamerooms.rooms.ports import ActionEntry, MatchHistory

log = logging.getLogger(__name__)


Action = tuple[str, ActionEntry]
"""A match id and one of its actions."""


def _row(match_id: str, entry: ActionEntry) -> ActionRecord:
    return ActionRecord(
        match_id=match_id,
        version=entry.version,
        seat=entry.seat,
        name=entry.name,
        data=entry.data,
        at=datetime.fromtimestamp(entry.at, tz=UTC),
    )


def _record(match_id: str) -> QuerySet[MatchRecord]:
    return MatchRecord.objects.filter(id=match_id)


def _known_players(ids: Iterable[str]) -> QuerySet[Player, str]:
    """The ids among `ids` of players this database knows (bots of a test may not be)."""
    return Player.objects.filter(id__in=set(ids)).values_list("id", flat=True)


def _seat(match_id: str, seat: int, player_id: str) -> MatchSeat:
    return MatchSeat(match_id=match_id, seat=seat, player_id=player_id)


def _finished(result: dict[str, Any], version: int) -> dict[str, Any]:
    """The match record's fields once the match is over."""
    return {
        "status": MatchRecord.Status.FINISHED,
        "result": result,
        "version": version,
        "finished_at": timezone.now(),
    }


def _record_matches(records: list[MatchRecord]) -> None:
    """Insert new match records and the seats of their known players, together."""
    with transaction.atomic(savepoint=False):
        MatchRecord.objects.bulk_create(records)
        known = set(_known_players(player["id"] for r in records for player in r.players))
        MatchSeat.objects.bulk_create(
            _seat(record.id, seat, player["id"])
            for record in records
            for seat, player in enumerate(record.players)
            if player["id"] in known
        )


def _insert_actions(actions: list[Action]) -> None:
    """Insert action rows in one statement; IntegrityError if a (match, version) is recorded
    already."""
    ActionRecord.objects.bulk_create([_row(match_id, entry) for match_id, entry in actions])


def _insert_batches(batches: list[list[Action]]) -> None:
    """Insert batches of actions, skipping those recorded already; if that fails, row by row,
    dropping (and logging) rows that can't be written (e.g. of a match this database never
    recorded), so one bad row blocks nothing."""
    rows = [_row(match_id, entry) for batch in batches for match_id, entry in batch]
    try:
        with transaction.atomic():
            ActionRecord.objects.bulk_create(rows, ignore_conflicts=True)
        return
    except IntegrityError:
        log.warning("a batch of %d actions failed; writing them one by one", len(rows))
    for row in rows:
        try:
            with transaction.atomic():
                ActionRecord.objects.bulk_create([row], ignore_conflicts=True)
        except IntegrityError:
            log.error("dropped action %s of match %s: %s", row.version, row.match_id, "no record")


def _finish(results: list[tuple[str, dict[str, Any], int]]) -> None:
    for match_id, result, version in results:
        _record(match_id).update(**_finished(result, version))


def _reseat(seatings: list[tuple[str, list[dict[str, Any]]]]) -> None:
    for match_id, players in seatings:
        _record(match_id).update(players=players)


def _history(match_id: str) -> MatchHistory | None:
    record = find_match(match_id)
    return None if record is None else history_of(record)


class DatabaseJournal:
    """Journal on the Django database, written by a `DatabaseWriter` of its own (which it closes).

    Write-ahead mode (the embedded default, where the database is the only durable copy): every
    action is committed to the database before it is committed to the store; actions arriving
    together share a transaction (on SQLite on disk, through `ahead`, from the event loop).
    Buffered mode (when Redis holds the live state durably): committed actions are written in
    batches every `flush_seconds`, and at once when the match ends. Reads (`history`) go through
    the database thread, never behind the writer's queue.
    """

    def __init__(
        self,
        *,
        write_ahead: bool,
        flush_seconds: float = 0.25,
        writer: DatabaseWriter | None = None,
        ahead: LoopSqliteWriter | None = None,
    ) -> None:
        self._write_ahead = write_ahead
        self._ahead = ahead
        self._flush_seconds = flush_seconds
        self._pending: list[Action] = []
        self._flusher: asyncio.Task[None] | None = None
        self._writer = writer or DatabaseWriter()

    @property
    def writes_ahead(self) -> bool:
        """Whether each action is committed here before it is committed to the store."""
        return self._write_ahead

    async def match_created(
        self,
        match_id: str,
        game: str,
        settings: dict[str, Any],
        players: list[dict[str, Any]],
        seed: int,
    ) -> None:
        """Record a new match and its seats."""
        if self._ahead is None:
            record = MatchRecord(
                id=match_id, game=game, settings=settings, players=players, seed=seed
            )
            await self._writer.write(_record_matches, record)
            return
        row = {
            "id": match_id,
            "game": game,
            "settings": database_json(settings),
            "players": database_json(players),
            "seed": seed,
            "status": str(MatchRecord.Status.ACTIVE),
            "version": 0,
            "created_at": database_time(timezone.now()),
        }
        seats = [
            insert_if_known(
                MatchSeat, {"match": match_id, "seat": seat, "player": player["id"]}, "player"
            )
            for seat, player in enumerate(players)
        ]
        await self._ahead.run([insert(MatchRecord, row), *seats])

    async def write_ahead(self, match_id: str, entry: ActionEntry) -> None:
        """When the database is the durable copy: return once the action row is committed."""
        if not self._write_ahead:
            return
        if self._ahead is not None:
            await self._ahead.write(match_id, entry)
            return
        try:
            await self._writer.write(_insert_actions, (match_id, entry))
        except IntegrityError as error:
            raise StaleVersion(f"version {entry.version} is already recorded") from error

    async def committed(self, match_id: str, entry: ActionEntry) -> None:
        """Queue the action for the next batch when the store is the durable copy."""
        if self._write_ahead:
            return
        self._pending.append((match_id, entry))
        if self._flusher is None or self._flusher.done():
            self._flusher = spawn(self._flush_later())

    async def match_finished(self, match_id: str, result: dict[str, Any], version: int) -> None:
        """Write out pending actions, then the result."""
        await self.flush()
        if self._ahead is None:
            await self._writer.write(_finish, (match_id, result, version))
        else:
            await self._ahead.run([update(MatchRecord, match_id, _finished(result, version))])

    async def seats_changed(self, match_id: str, players: list[dict[str, Any]]) -> None:
        """Keep the match record's players as they sit now."""
        if self._ahead is None:
            await self._writer.write(_reseat, (match_id, players))
        else:
            await self._ahead.run([update(MatchRecord, match_id, {"players": players})])

    async def history(self, match_id: str) -> MatchHistory | None:
        """The match record and its actions in order."""
        await self.flush()
        return await sync_to_async(_history)(match_id)

    async def flush(self) -> None:
        """Write every pending action."""
        rows, self._pending = self._pending, []
        if not rows:
            return
        try:
            await self._writer.write(_insert_batches, rows)
        except Exception:
            self._pending[:0] = rows
            raise

    async def close(self) -> None:
        """Stop the flusher, write what is pending and close the writer."""
        if self._flusher is not None and not self._flusher.done():
            self._flusher.cancel()
        try:
            await self.flush()
        finally:
            await self._writer.close()
            if self._ahead is not None:
                self._ahead.close()

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._flush_seconds)
        try:
            await self.flush()
        except Exception:
            log.exception("writing the action log failed; will retry with the next batch")
