"""Create many matches at once, as `gamerooms match` does one: stdin has a JSON list of seatings
(player ids by seat), stdout gets the JSON list of match ids.

Usage: python -m bench.make_matches --data DIR --game tictactoe < seatings.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

BATCH = 32
"""Matches created concurrently."""


async def _create(game: str, seatings: list[list[dict[str, Any]]]) -> list[str]:
    from gamerooms.runtime import current_runtime, shutdown_runtime

    service = current_runtime().matches
    ids: list[str] = []
    try:
        for first in range(0, len(seatings), BATCH):
            batch = seatings[first : first + BATCH]
            ids += await asyncio.gather(*(service.create(game, players) for players in batch))
    finally:
        await shutdown_runtime()
    return ids


def main() -> None:
    """Read seatings, create their matches on the server's data folder and store, print ids."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True)
    parser.add_argument("--game", required=True)
    args = parser.parse_args()
    os.environ["GAMEROOMS_DATA"] = args.data
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gamerooms.settings")
    import django

    django.setup()
    from gamerooms.models import Player

    seatings: list[list[str]] = json.load(sys.stdin)
    wanted = {player_id for seating in seatings for player_id in seating}
    found = {p.id: p.to_wire() for p in Player.objects.filter(id__in=wanted)}
    missing = sorted(wanted - set(found))
    if missing:
        raise SystemExit(f"no such players: {', '.join(missing[:10])}")
    players = [[found[player_id] for player_id in seating] for seating in seatings]
    json.dump(asyncio.run(_create(args.game, players)), sys.stdout)


if __name__ == "__main__":
    main()
