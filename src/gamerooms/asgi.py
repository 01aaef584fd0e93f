"""ASGI entry point of the bundled server (`gamerooms serve` runs this with uvicorn)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gamerooms.settings")
django_application = get_asgi_application()

from gamerooms.transport.application import GameroomsApplication  # noqa: E402
from gamerooms.transport.routing import websocket_application  # noqa: E402

application = GameroomsApplication(http=django_application, websocket=websocket_application())
