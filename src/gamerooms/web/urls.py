"""Routes of the demo pages; the bundled server includes them at "/"."""

from django.urls import path

from gamerooms.web import views

app_name = "gamerooms_web"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("lobby/", views.lobby, name="lobby"),
    path("rooms/<str:code>/", views.room, name="room"),
    path("matches/<str:match_id>/", views.match, name="match"),
    path("matches/<str:match_id>/replay/", views.replay, name="replay"),
]
