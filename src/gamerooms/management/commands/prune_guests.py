"""`manage.py prune_guests --days N`: remove guests unused for N days (match records kept)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gamerooms.persistence.pruning import prune_guests


class Command(BaseCommand):
    """Remove guests nobody used for N days; seated ones stay anonymized in match records."""

    help = "Remove guests unused for N days; their match records are kept, names anonymized."

    def add_arguments(self, parser: CommandParser) -> None:
        """--days N (required, N >= 0)."""
        parser.add_argument("--days", type=float, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        """Prune, then print how many guests were deleted and how many anonymized."""
        days: float = options["days"]
        if days < 0:
            raise CommandError("--days must be 0 or more")
        pruned = prune_guests(timezone.now() - timedelta(days=days))
        self.stdout.write(
            f"removed {pruned.deleted + pruned.anonymized} guests "
            f"({pruned.anonymized} kept anonymized in match records)"
        )
