"""Request and response shapes of the REST API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from gamerooms.models import MatchRecord
from gamerooms.rooms.room import FULL, OPEN, PLAYING


class AvatarSerializer(serializers.Serializer[dict[str, Any]]):
    """An emoji on a colour."""

    emoji = serializers.CharField(max_length=16, required=False)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)


class PlayerSerializer(serializers.Serializer[dict[str, Any]]):
    """The wire Player object."""

    id = serializers.CharField()
    name = serializers.CharField()
    avatar = AvatarSerializer()
    bot = serializers.BooleanField()


class GuestSerializer(serializers.Serializer[dict[str, Any]]):
    """Who a guest wants to be."""

    name = serializers.CharField(max_length=40, trim_whitespace=True)
    avatar = AvatarSerializer(required=False, allow_null=True)


class RegistrationSerializer(serializers.Serializer[dict[str, Any]]):
    """A new account."""

    username = serializers.RegexField(r"^[\w.@+-]{3,40}$")
    password = serializers.CharField(min_length=8, max_length=128, write_only=True)

    def validate_username(self, value: str) -> str:
        """Usernames are unique, case-insensitively."""
        if get_user_model().objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("this username is taken")
        return value


class CredentialsSerializer(serializers.Serializer[dict[str, Any]]):
    """Credentials of a registered user."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True)


class AuthResponseSerializer(serializers.Serializer[dict[str, Any]]):
    """Tokens and the player they stand for."""

    access = serializers.CharField()
    refresh = serializers.CharField()
    player = PlayerSerializer()


class AccessTokenSerializer(serializers.Serializer[dict[str, Any]]):
    """A new access token (and a new refresh token, if the server rotates them)."""

    access = serializers.CharField()
    refresh = serializers.CharField(required=False)


class CsrfTokenSerializer(serializers.Serializer[dict[str, Any]]):
    """The CSRF token to send back as `X-CSRFToken`."""

    csrf_token = serializers.CharField()


class GameActionSerializer(serializers.Serializer[dict[str, Any]]):
    """An action a game's players send, with the JSON Schema of its data."""

    name = serializers.CharField()
    description = serializers.CharField()
    data_schema = serializers.DictField()


class GameSerializer(serializers.Serializer[dict[str, Any]]):
    """A registered game."""

    name = serializers.CharField()
    title = serializers.CharField()
    min_players = serializers.IntegerField()
    max_players = serializers.IntegerField()
    default_players = serializers.IntegerField()
    description = serializers.CharField()
    hidden_information = serializers.BooleanField()
    settings_schema = serializers.DictField(help_text="JSON Schema of a room's settings")
    bot_levels = serializers.ListField(child=serializers.CharField())
    actions = GameActionSerializer(many=True)
    view_example = serializers.DictField(help_text="Views of a new match: seat 0's, a spectator's")
    static = serializers.DictField(help_text="Facts every match shares (a board)")


class RoomSummarySerializer(serializers.Serializer[dict[str, Any]]):
    """A room as the lobby lists it (the protocol's RoomSummary)."""

    id = serializers.CharField(help_text="The room's code")
    name = serializers.CharField()
    game = serializers.CharField()
    owner = PlayerSerializer()
    players = PlayerSerializer(many=True, help_text="Seated players, oldest first")
    max_players = serializers.IntegerField()
    min_players = serializers.IntegerField()
    status = serializers.ChoiceField([OPEN, FULL, PLAYING])
    has_password = serializers.BooleanField()
    private = serializers.BooleanField()
    settings = serializers.DictField(help_text="The game's settings and the room's options")


class RoomFilterSerializer(serializers.Serializer[dict[str, Any]]):
    """Which listed rooms to show."""

    game = serializers.CharField(required=False, allow_blank=True, help_text="Only this game's")
    only_open = serializers.BooleanField(default=False, help_text="Only rooms with a free seat")


class SeatSerializer(serializers.Serializer[dict[str, Any]]):
    """Who sits in a seat of a match (a bot, once one took it over)."""

    seat = serializers.IntegerField()
    player = PlayerSerializer()


class ResultSerializer(serializers.Serializer[dict[str, Any]]):
    """How a match ended (the protocol's Result)."""

    winners = serializers.ListField(child=serializers.IntegerField(), help_text="Seats; [] a draw")
    scores = serializers.DictField(child=serializers.FloatField(), allow_null=True)
    reason = serializers.CharField()


class MatchRecordSerializer(serializers.Serializer[dict[str, Any]]):
    """A match record: game, seats, settings, status, result, version and times."""

    id = serializers.CharField()
    game = serializers.CharField()
    seats = SeatSerializer(many=True)
    settings = serializers.DictField()
    status = serializers.ChoiceField(MatchRecord.Status.choices)
    result = ResultSerializer(allow_null=True, help_text="Null until the match is over")
    version = serializers.IntegerField(help_text="Actions played (so far, while in play)")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ReplayActionSerializer(serializers.Serializer[dict[str, Any]]):
    """The action that led to a step."""

    seat = serializers.IntegerField()
    name = serializers.CharField()
    data = serializers.DictField()  # type: ignore[assignment]  # a field, not Serializer.data


class ReplayTurnSerializer(serializers.Serializer[dict[str, Any]]):
    """Who was in turn at a step."""

    seats = serializers.ListField(child=serializers.IntegerField())


class ReplayStepSerializer(serializers.Serializer[dict[str, Any]]):
    """A match at one version, as a seat saw it live."""

    version = serializers.IntegerField()
    action = ReplayActionSerializer(allow_null=True, help_text="Null at version 0")
    events = serializers.ListField(child=serializers.DictField())
    turn = ReplayTurnSerializer()
    state = serializers.DictField(help_text="The game's view for the seat")


class ReplaySerializer(MatchRecordSerializer):
    """A finished match record, the caller's seat, and every step as that seat saw it."""

    status = serializers.ChoiceField(
        [MatchRecord.Status.FINISHED.value], help_text="Replays are of finished matches"
    )
    seat = serializers.IntegerField(allow_null=True, help_text="Null: the public view")
    steps = ReplayStepSerializer(many=True)


class HealthSerializer(serializers.Serializer[dict[str, Any]]):
    """Whether the server can serve: its store answers, or `problem` says why not."""

    status = serializers.ChoiceField(["ok", "unavailable"])
    store = serializers.ChoiceField(["memory", "redis"])
    games = serializers.ListField(child=serializers.CharField(), required=False, help_text="If ok")
    problem = serializers.CharField(required=False, help_text="If unavailable")
