"""Players: guests, registered users and their public profile."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from gamerooms.models import Player
from gamerooms.persistence.batching import DatabaseBatch

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ProfileError(ValueError):
    """A profile field is invalid; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def clean_profile(name: Any, avatar: Any) -> tuple[str, str | None, str | None]:
    """Validated (name, emoji, colour) from a request body; raises ProfileError."""
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 40:
        raise ProfileError("name", "a name of 1 to 40 characters is required")
    if avatar is None:
        return name.strip(), None, None
    if not isinstance(avatar, dict):
        raise ProfileError("avatar", "must be an object with emoji and color")
    emoji, color = avatar.get("emoji"), avatar.get("color")
    if emoji is not None and (not isinstance(emoji, str) or not 1 <= len(emoji) <= 16):
        raise ProfileError("avatar.emoji", "must be a short string")
    if color is not None and (not isinstance(color, str) or not COLOR.match(color)):
        raise ProfileError("avatar.color", "must look like #rrggbb")
    return name.strip(), emoji, color


def create_guest(name: str, emoji: str | None, color: str | None) -> Player:
    """A new guest: a Django user without a usable password, and its player."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.create_user(username=f"guest-{secrets.token_hex(8)}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        player = Player(user=user, name=name, is_guest=True)
        if emoji:
            player.avatar_emoji = emoji
        if color:
            player.avatar_color = color
        player.save()
    return player


def register_user(username: str, password: str) -> Player:
    """A new registered user and its player, named after the username."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.create_user(username=username, password=password)
        return Player.objects.create(user=user, name=username[:40])


def player_for_user(user: AbstractBaseUser | AnonymousUser) -> Player | None:
    """The player of an authenticated user (created on first use), else None."""
    if not user.is_authenticated:
        return None
    player, _ = Player.objects.get_or_create(
        user_id=user.pk, defaults={"name": str(user.get_username())[:40]}
    )
    return player


def player_for_user_id(user_id: Any) -> Player | None:
    """The player of the user with this id, or None if there is no such user."""
    user_model = get_user_model()
    user = user_model.objects.filter(pk=user_id, is_active=True).first()
    return None if user is None else player_for_user(user)


def players_for_user_ids(user_ids: list[Any]) -> list[Player | None]:
    """`player_for_user_id` for many users (ids as the model has them or as strings, as tokens
    carry them): one query for all who have a player already."""
    found = {
        str(player.user_id): player
        for player in Player.objects.filter(user_id__in=user_ids, user__is_active=True)
    }
    return [found.get(str(user_id)) or player_for_user_id(user_id) for user_id in user_ids]


Lookup = Callable[[Any], Awaitable[Player | None]]


class PlayerDirectory:
    """Players by user id, kept for `ttl_seconds` from when they were read: a socket's token then
    costs no database query when its player connected lately (every match hand-off reconnects),
    and lookups that arrive together share one query.

    A player or user saved or deleted in this process is forgotten at once (Django's signals);
    a change made by another process (another server, `gamerooms prune-guests`, or a bulk
    `update()`, which sends no signal) shows within `ttl_seconds`. At most `size` players are
    kept; the longest kept go first."""

    def __init__(
        self,
        ttl_seconds: float = 60.0,
        size: int = 10_000,
        lookup: Lookup | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._size = size
        self._clock = clock
        self._known: dict[str, tuple[float, Player]] = {}
        self._forgotten = 0
        self._lock = threading.Lock()
        self._lookup = lookup or DatabaseBatch(players_for_user_ids)
        for model in (Player, get_user_model()):
            post_save.connect(self._changed, sender=model)
            post_delete.connect(self._changed, sender=model)

    async def by_user_id(self, user_id: Any) -> Player | None:
        """The player of this user (None if there is no such active user)."""
        key = str(user_id)
        known = self._known.get(key)
        if known is not None and known[0] > self._clock():
            return known[1]
        forgotten = self._forgotten
        player = await self._lookup(user_id)
        if player is not None:
            self._keep(key, player, forgotten)
        return player

    def forget(self, user_id: Any) -> None:
        """Read this user's player again next time (a lookup under way keeps nothing); from
        any thread."""
        with self._lock:
            self._forgotten += 1
            self._known.pop(str(user_id), None)

    def _keep(self, key: str, player: Player, forgotten: int) -> None:
        with self._lock:
            if forgotten != self._forgotten:
                return  # something changed while the lookup was under way: it may be stale
            self._known.pop(key, None)
            now = self._clock()
            while self._known:
                oldest = next(iter(self._known))
                if len(self._known) < self._size and self._known[oldest][0] > now:
                    break
                del self._known[oldest]
            self._known[key] = (now + self._ttl, player)

    def _changed(
        self, sender: type[Model], instance: Model, created: bool = False, **kwargs: Any
    ) -> None:
        if not created:  # nobody can have looked up what did not exist
            self.forget(instance.user_id if isinstance(instance, Player) else instance.pk)
