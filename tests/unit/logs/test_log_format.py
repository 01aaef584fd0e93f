"""JSON log lines: the fixed fields, an access line's request fields after token redaction, and
tracebacks kept whole."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from gamerooms.access_log import RedactTokens
from gamerooms.log_format import JSONFormatter, use_log_format


def record(name: str, msg: str, args: tuple[object, ...]) -> logging.LogRecord:
    """An INFO record as a logger would make it."""
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_an_access_line_has_its_request_fields_with_the_token_redacted() -> None:
    line = record(
        "uvicorn.access",
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/ws/lobby/?token=abc.def.ghi&x=1", "1.1", 101),
    )
    RedactTokens().filter(line)
    logged = json.loads(JSONFormatter().format(line))
    assert logged["path"] == "/ws/lobby/?token=[redacted]&x=1"
    assert (logged["client"], logged["method"], logged["status"]) == ("127.0.0.1:5000", "GET", 101)
    assert (logged["level"], logged["logger"]) == ("INFO", "uvicorn.access")
    assert "abc.def" not in logged["message"] and logged["timestamp"].endswith("Z")


def test_a_traceback_stays_in_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        failed = logging.LogRecord(
            "gamerooms", logging.ERROR, __file__, 1, "it failed", (), sys.exc_info()
        )
    text = JSONFormatter().format(failed)
    assert "\n" not in text
    logged = json.loads(text)
    assert logged["message"] == "it failed" and "ValueError: boom" in logged["exception"]


def test_the_format_applies_to_the_server_loggers_handlers() -> None:
    handler = logging.StreamHandler()
    logger = logging.getLogger("uvicorn.access")
    logger.addHandler(handler)
    try:
        use_log_format("plain")
        assert not isinstance(handler.formatter, JSONFormatter)
        use_log_format("json")
        assert isinstance(handler.formatter, JSONFormatter)
    finally:
        logger.removeHandler(handler)
    with pytest.raises(SystemExit, match="plain, json"):
        use_log_format("xml")
