"""Request and response shapes of the REST API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers


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


class GuestRequestSerializer(serializers.Serializer[dict[str, Any]]):
    """Who a guest wants to be."""

    name = serializers.CharField(max_length=40, trim_whitespace=True)
    avatar = AvatarSerializer(required=False, allow_null=True)


class RegisterRequestSerializer(serializers.Serializer[dict[str, Any]]):
    """A new account."""

    username = serializers.RegexField(r"^[\w.@+-]{3,40}$")
    password = serializers.CharField(min_length=8, max_length=128, write_only=True)

    def validate_username(self, value: str) -> str:
        """Usernames are unique, case-insensitively."""
        if get_user_model().objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("this username is taken")
        return value


class LoginRequestSerializer(serializers.Serializer[dict[str, Any]]):
    """Credentials of a registered user."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True)


class AuthResponseSerializer(serializers.Serializer[dict[str, Any]]):
    """Tokens and the player they stand for."""

    access = serializers.CharField()
    refresh = serializers.CharField()
    player = PlayerSerializer()


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
