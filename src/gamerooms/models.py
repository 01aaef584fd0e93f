"""Durable records: players, match records, seats and the action log."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models


def new_player_id() -> str:
    """A short random public id for a player."""
    return "p" + secrets.token_hex(8)


class Player(models.Model):
    """A person (guest or registered) or a bot that can sit in a seat."""

    id = models.CharField(primary_key=True, max_length=24, default=new_player_id, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gamerooms_player",
    )
    name = models.CharField(max_length=40)
    avatar_emoji = models.CharField(max_length=16, default="🙂")
    avatar_color = models.CharField(max_length=7, default="#4f46e5")
    is_bot = models.BooleanField(default=False)
    is_guest = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def to_wire(self) -> dict[str, Any]:
        """The Player object of the wire protocol."""
        return {
            "id": self.id,
            "name": self.name,
            "avatar": {"emoji": self.avatar_emoji, "color": self.avatar_color},
            "bot": self.is_bot,
        }

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class MatchRecord(models.Model):
    """One play-through of a game: who sat where, with which settings and seed, and how it ended."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        PAUSED = "paused"
        FINISHED = "finished"

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    game = models.CharField(max_length=64)
    settings = models.JSONField(default=dict)
    players = models.JSONField(default=list, help_text="Wire Player objects by seat.")
    seed = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    result = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.game} {self.id}"


class MatchSeat(models.Model):
    """A player's seat in a match, for per-player history and statistics."""

    match = models.ForeignKey(MatchRecord, on_delete=models.CASCADE, related_name="seats")
    seat = models.PositiveSmallIntegerField()
    player = models.ForeignKey(Player, on_delete=models.PROTECT, related_name="seats")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "seat"], name="gamerooms_seat_once"),
        ]


class ActionRecord(models.Model):
    """One accepted action; `version` is the match version it produced (1 for the first)."""

    match = models.ForeignKey(
        MatchRecord,
        on_delete=models.CASCADE,
        related_name="actions",
        db_index=False,  # the (match, version) constraint's index serves lookups by match
    )
    version = models.PositiveIntegerField()
    seat = models.SmallIntegerField()
    name = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        ordering = ["match", "version"]
        constraints = [
            models.UniqueConstraint(fields=["match", "version"], name="gamerooms_action_once"),
        ]
