"""The demo pages. Each is a template plus the browser client; everything live goes over the
WebSocket protocol, so the views only pass the identifiers found in the URL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gamerooms.rooms.secrets import normalize_code


def landing(request: HttpRequest) -> HttpResponse:
    """`/`: pick a name and an avatar (kept in the browser's localStorage)."""
    return render(request, "gamerooms/landing.html", {"page": "landing"})


def lobby(request: HttpRequest) -> HttpResponse:
    """`/lobby/`: the live room list, room creation, join by code, and Play now."""
    return render(request, "gamerooms/lobby.html", {"page": "lobby"})


def room(request: HttpRequest, code: str) -> HttpResponse:
    """`/rooms/<code>/`: a room's seats, chat and owner controls (the invite link)."""
    return render(request, "gamerooms/room.html", {"page": "room", "code": normalize_code(code)})


def match(request: HttpRequest, match_id: str) -> HttpResponse:
    """`/matches/<id>/`: play, watch the clock, chat, and see the result."""
    return render(request, "gamerooms/match.html", {"page": "match", "match_id": match_id})


def replay(request: HttpRequest, match_id: str) -> HttpResponse:
    """`/matches/<id>/replay/`: step through a finished match as your seat saw it."""
    return render(request, "gamerooms/replay.html", {"page": "replay", "match_id": match_id})
