"""`GAMEROOMS_LOG_FORMAT=json`: every log line of `gamerooms serve` (gamerooms', Django's and
uvicorn's) one JSON object, tokens redacted as in the plain format (gamerooms.access_log)."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from gamerooms.protocol.frames import iso

LOG_FORMATS = ("plain", "json")
"""plain: the loggers' own formats; json: JSONFormatter."""
SERVER_LOGGERS = ("gamerooms", "django", "uvicorn", "uvicorn.error", "uvicorn.access")
"""The loggers whose handlers `gamerooms serve` writes with."""
ACCESS_LOGGER = "uvicorn.access"


class JSONFormatter(logging.Formatter):
    """One JSON object per record: timestamp, level, logger and message; client, method, path
    and status on uvicorn's access lines; the traceback, if any, as `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line: dict[str, Any] = {
            "timestamp": iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == ACCESS_LOGGER and isinstance(record.args, tuple):
            line |= _access_fields(record.args)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(line, default=str).decode()


def _access_fields(args: tuple[Any, ...]) -> dict[str, Any]:
    """The fields of uvicorn's access line `client - "METHOD path HTTP/version" status`."""
    if len(args) != 5:
        return {}
    client, method, path, _, status = args
    return {"client": client, "method": method, "path": path, "status": status}


def use_log_format(name: str) -> None:
    """Write `gamerooms serve`'s logs in this format (one of LOG_FORMATS); call it once
    uvicorn has configured its loggers."""
    if name not in LOG_FORMATS:
        raise SystemExit(f"GAMEROOMS_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
    if name == "plain":
        return
    for logger in SERVER_LOGGERS:
        for handler in logging.getLogger(logger).handlers:
            handler.setFormatter(JSONFormatter())
