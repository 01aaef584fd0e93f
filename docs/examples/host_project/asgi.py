"""ASGI config of mysite: Django for HTTP, gamerooms for WebSockets. Run it with
`uvicorn mysite.asgi:application` (`manage.py runserver` serves no WebSockets)."""

import os

from django.core.asgi import get_asgi_application

from gamerooms.asgi import build_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

application = build_application(get_asgi_application())
