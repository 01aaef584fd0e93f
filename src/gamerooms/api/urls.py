"""REST routes: include them in your project's urls (`path("", include("gamerooms.api.urls"))`)."""

from django.urls import path

from gamerooms.api import matches, rooms, views
from gamerooms.api.base import SchemaView
from gamerooms.api.parsers import PARSER_CLASSES

urlpatterns = [
    path("healthz", views.HealthView.as_view(), name="gamerooms-health"),
    path("api/auth/guest/", views.GuestView.as_view(), name="gamerooms-guest"),
    path("api/auth/register/", views.RegisterView.as_view(), name="gamerooms-register"),
    path(
        "api/auth/token/",
        views.TokenView.as_view(parser_classes=PARSER_CLASSES),
        name="gamerooms-token",
    ),
    path(
        "api/auth/token/refresh/",
        views.RefreshView.as_view(parser_classes=PARSER_CLASSES),
        name="gamerooms-token-refresh",
    ),
    path("api/auth/login/", views.SessionLoginView.as_view(), name="gamerooms-login"),
    path("api/auth/logout/", views.SessionLogoutView.as_view(), name="gamerooms-logout"),
    path("api/me/", views.MeView.as_view(), name="gamerooms-me"),
    path("api/games/", views.GameListView.as_view(), name="gamerooms-games"),
    path("api/games/<str:name>/", views.GameDetailView.as_view(), name="gamerooms-game"),
    path("api/rooms/", rooms.RoomListView.as_view(), name="gamerooms-rooms"),
    path("api/rooms/<str:code>/", rooms.RoomDetailView.as_view(), name="gamerooms-room"),
    path("api/matches/<str:match_id>/", matches.MatchDetailView.as_view(), name="gamerooms-match"),
    path(
        "api/matches/<str:match_id>/replay/",
        matches.MatchReplayView.as_view(),
        name="gamerooms-match-replay",
    ),
    path("api/schema/", SchemaView.as_view(), name="gamerooms-schema"),
]
