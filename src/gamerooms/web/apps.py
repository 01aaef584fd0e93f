"""The demo web client's Django app."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Serves the demo pages (landing, lobby, room, match) and the browser client's static files."""

    name = "gamerooms.web"
    label = "gamerooms_web"
    verbose_name = "gamerooms web client"
