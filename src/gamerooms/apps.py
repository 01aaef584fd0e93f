"""The gamerooms Django app."""

from django.apps import AppConfig


class GameroomsConfig(AppConfig):
    """Registers gamerooms with Django."""

    name = "gamerooms"
    verbose_name = "gamerooms"
    default_auto_field = "django.db.models.BigAutoField"
