"""Access tokens travel in WebSocket URLs (`?token=`): keep them out of the server's logs."""

from __future__ import annotations

import logging
import re

TOKEN_IN_QUERY = re.compile(r"(?<=[?&])token=[^&\s\"']*")
REDACTED = "token=[redacted]"
UVICORN_LOGGERS = ("uvicorn.access", "uvicorn.error")
"""uvicorn logs HTTP requests on the first, WebSocket handshakes on the second."""


class RedactTokens(logging.Filter):
    """Rewrites `token=<value>` in query strings of a record's message and arguments to
    `token=[redacted]`; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place."""
        if isinstance(record.msg, str):
            record.msg = TOKEN_IN_QUERY.sub(REDACTED, record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                TOKEN_IN_QUERY.sub(REDACTED, arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def redact_tokens_in_uvicorn_logs() -> None:
    """Install RedactTokens on uvicorn's loggers (after uvicorn has configured logging)."""
    for name in UVICORN_LOGGERS:
        logging.getLogger(name).addFilter(RedactTokens())
