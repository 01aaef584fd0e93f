"""Removing guests nobody has used for a while, keeping the match records they played in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from gamerooms.models import MatchRecord, Player

ANONYMOUS_NAME = "Guest"
"""The name a removed guest keeps in the match records it played in."""


@dataclass(frozen=True)
class PrunedGuests:
    """What `prune_guests` did: guests deleted outright, and guests kept anonymized because match
    records name them."""

    deleted: int
    anonymized: int


def prune_guests(cutoff: datetime) -> PrunedGuests:
    """Remove every guest created before `cutoff` that has neither logged in nor sat in a match
    since: its user account goes (its tokens stop working); its player row goes too, unless a
    match record seats it, in which case the row stays without a user and with its name replaced,
    in the row and in those records."""
    recently_seated = Q(seats__match__created_at__gte=cutoff)
    recently_logged_in = Q(user__last_login__gte=cutoff)
    stale = Player.objects.filter(is_guest=True, created_at__lt=cutoff).exclude(
        recently_seated | recently_logged_in
    )
    with transaction.atomic():
        players = list(stale.select_for_update().values_list("id", "user_id"))
        ids = {player_id for player_id, _ in players}
        seated = set(
            Player.objects.filter(id__in=ids, seats__isnull=False)
            .values_list("id", flat=True)
            .distinct()
        )
        for record in MatchRecord.objects.filter(seats__player__in=seated).distinct():
            record.players = [
                {**entry, "name": ANONYMOUS_NAME} if entry.get("id") in seated else entry
                for entry in record.players
            ]
            record.save(update_fields=["players"])
        Player.objects.filter(id__in=seated).update(user=None, name=ANONYMOUS_NAME)
        Player.objects.filter(id__in=ids - seated).delete()
        user_ids = [user_id for _, user_id in players if user_id is not None]
        get_user_model().objects.filter(pk__in=user_ids).delete()
    return PrunedGuests(deleted=len(ids - seated), anonymized=len(seated))
