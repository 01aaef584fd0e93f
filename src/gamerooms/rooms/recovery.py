"""After the embedded server restarts: set going again what each kept room and match waited for.

The store kept every document and timer, but no socket survives a restart and a timer whose
handler was cut short is gone. So each match not yet over gets the journal's actions the store
had not committed, a fresh turn clock, its bots and clocks set again, its pause's decision
timer, and every person seated the grace to come back; each open room gives its seats the seat
grace; drafts, whose lobby sockets are gone, are dropped.
"""

from __future__ import annotations

import logging

from gamerooms.rooms.keys import match_key, room_key
from gamerooms.rooms.lobby import LobbyService
from gamerooms.rooms.matches import MatchService
from gamerooms.rooms.pauses import Pauses
from gamerooms.rooms.ports import Store
from gamerooms.rooms.presence import SeatPresence
from gamerooms.rooms.rooms import RoomService

log = logging.getLogger(__name__)


class Recovery:
    """Brings a restarted process's kept rooms and matches back to life."""

    def __init__(
        self,
        store: Store,
        matches: MatchService,
        pauses: Pauses,
        presence: SeatPresence,
        rooms: RoomService,
        lobby: LobbyService,
    ) -> None:
        self._store = store
        self._matches = matches
        self._pauses = pauses
        self._presence = presence
        self._rooms = rooms
        self._lobby = lobby

    async def run(self) -> None:
        """Recover every kept match, then every kept room, then drop the drafts."""
        prefix = match_key("")
        for key in await self._store.document_keys(prefix):
            await self._recover_match(key.removeprefix(prefix))
        prefix = room_key("")
        for key in await self._store.document_keys(prefix):
            await self._rooms.recover(key.removeprefix(prefix))
        await self._lobby.drop_drafts()

    async def _recover_match(self, match_id: str) -> None:
        try:
            match = await self._matches.recover(match_id)
            await self._presence.expect(match)
            await self._pauses.keep_deadline(match)
        except Exception:
            log.exception("could not recover match %s", match_id)
