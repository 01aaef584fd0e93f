"""Bundled Django settings for `gamerooms serve`: SQLite under the data folder, in-process state.

Environment: GAMEROOMS_DATA (data folder), DATABASE_URL, REDIS_URL, GAMEROOMS_REDIS_PREFIX,
GAMEROOMS_REDIS_CLUSTER ("1": REDIS_URL names any node of a Redis Cluster), GAMEROOMS_SECRET_KEY,
GAMEROOMS_DEBUG, GAMEROOMS_GAMES (comma-separated dotted paths of extra games),
GAMEROOMS_ALLOWED_ORIGINS (comma-separated origins trusted besides the server's own, for
cookie-authenticated sockets, CSRF and CORS on the REST API), GAMEROOMS_<X>_SECONDS for the
timing knobs named in `_SECONDS_FROM_ENV`, GAMEROOMS_<X> for the limits named in
`_LIMITS_FROM_ENV` (see gamerooms.conf), GAMEROOMS_METRICS ("off" turns /metrics off) and
GAMEROOMS_METRICS_TOKEN (a bearer token /metrics asks for). GAMEROOMS_LOG_FORMAT ("json") is
applied by `gamerooms serve` (gamerooms.log_format).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from gamerooms.engine.registry import installed_games

DATA_DIR = Path(os.environ.get("GAMEROOMS_DATA", ".gamerooms")).resolve()


def _secret_key() -> str:
    """The configured secret key, else one kept in the data folder (`gamerooms serve` creates it),
    else a key for this process only."""
    configured = os.environ.get("GAMEROOMS_SECRET_KEY")
    if configured:
        return configured
    if not DATA_DIR.is_dir():
        return secrets.token_urlsafe(50)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("GAMEROOMS_DEBUG", "") == "1"
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "corsheaders",
    "gamerooms",
    "gamerooms.web",
]

MIDDLEWARE = [
    "gamerooms.metrics.http.CountResponses",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "gamerooms.urls"
ASGI_APPLICATION = "gamerooms.asgi.application"
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

_sqlite_path = DATA_DIR / "gamerooms.sqlite3"
DATABASES: dict[str, Any] = {
    "default": dj_database_url.config(default=f"sqlite:///{_sqlite_path}", conn_max_age=600)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("GAMEROOMS_ALLOWED_ORIGINS", "").split(",")
    if origin.strip()
]
"""GAMEROOMS_ALLOWED_ORIGINS: trusted by REST's CSRF check and by cookie-authenticated sockets."""

CORS_ALLOWED_ORIGINS = CSRF_TRUSTED_ORIGINS
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_CREDENTIALS = True
"""The same origins get CORS headers on the REST API (with cookies: they are trusted already)."""

REDIS_URL = os.environ.get("REDIS_URL") or None
REDIS_CLUSTER = os.environ.get("GAMEROOMS_REDIS_CLUSTER") == "1"
REDIS_PREFIX = os.environ.get("GAMEROOMS_REDIS_PREFIX") or "gamerooms:"
CHANNEL_LAYERS = (
    {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    if REDIS_URL
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)
# REST throttles count in the cache: on Redis, every process shares the counts (on a cluster,
# in the slot of the prefix's hash tag).
if REDIS_URL and REDIS_CLUSTER:
    CACHES = {
        "default": {
            "BACKEND": "gamerooms.store.redis_cache.RedisClusterCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "{" + REDIS_PREFIX + "cache}",
        }
    }
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX + "cache",
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=12),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=30),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "gamerooms API",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
"""Swagger UI and Redoc come from drf-spectacular-sidecar's static files: no CDN."""

_SECONDS_FROM_ENV = (
    "DRAFT_SECONDS",
    "ROOM_SEAT_GRACE_SECONDS",
    "MATCH_GRACE_SECONDS",
    "DECIDE_SECONDS",
    "BOT_DELAY_SECONDS",
    "TIMER_POLL_SECONDS",
    "HEARTBEAT_SECONDS",
    "PROCESS_TTL_SECONDS",
    "QUEUE_BOT_FILL_SECONDS",
)
"""GAMEROOMS knobs that GAMEROOMS_<name> overrides when set."""

_LIMITS_FROM_ENV: dict[str, type[int] | type[float]] = {
    "MAX_FRAME_BYTES": int,
    "RATE_PER_SECOND": float,
    "RATE_BURST": int,
    "PASSWORD_ATTEMPTS_PER_PLAYER": int,
    "PASSWORD_ATTEMPTS_PER_ROOM": int,
    "MAX_ROOMS_PER_PLAYER": int,
    "MAX_DRAFTS_PER_PLAYER": int,
}
"""Per-socket frame limits and abuse allowances that GAMEROOMS_<name> overrides when set (load
tests raise them)."""

_THROTTLES_FROM_ENV = (
    "THROTTLE_LOGIN",
    "THROTTLE_REGISTER",
    "THROTTLE_GUEST",
    "THROTTLE_ROOM_LOOKUP",
    "THROTTLE_MATCH_LOOKUP",
)
"""REST rates ("10/min", or "off") that GAMEROOMS_<name> overrides when set."""

GAMEROOMS: dict[str, Any] = {
    "REDIS_URL": REDIS_URL,
    "REDIS_PREFIX": REDIS_PREFIX,
    "REDIS_CLUSTER": REDIS_CLUSTER,
    "STATE_FILE": None if REDIS_URL else str(DATA_DIR / "live.sqlite3"),
    "GAMES": [
        *installed_games(),
        *(path for path in os.environ.get("GAMEROOMS_GAMES", "").split(",") if path),
    ],
    "ALLOWED_ORIGINS": CSRF_TRUSTED_ORIGINS,
    "METRICS": os.environ.get("GAMEROOMS_METRICS", "on") != "off",
    "METRICS_TOKEN": os.environ.get("GAMEROOMS_METRICS_TOKEN") or None,
    **{
        name: float(os.environ[f"GAMEROOMS_{name}"])
        for name in _SECONDS_FROM_ENV
        if os.environ.get(f"GAMEROOMS_{name}")
    },
    **{
        name: kind(os.environ[f"GAMEROOMS_{name}"])
        for name, kind in _LIMITS_FROM_ENV.items()
        if os.environ.get(f"GAMEROOMS_{name}")
    },
    **{
        name: None if os.environ[f"GAMEROOMS_{name}"] == "off" else os.environ[f"GAMEROOMS_{name}"]
        for name in _THROTTLES_FROM_ENV
        if os.environ.get(f"GAMEROOMS_{name}")
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "gamerooms": {"handlers": ["console"], "level": "INFO"},
        "django": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
"""gamerooms' own logs from INFO, Django's errors (a request that failed with a 500); uvicorn
logs requests itself."""
