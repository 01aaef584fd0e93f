"""A memory-only redis-server of a test's own, which it may stop and start again."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from gamerooms.testing import free_port

WAIT_SECONDS = 15.0


class PrivateRedis:
    """A redis-server on a free port; skips the calling test when redis-server is absent."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._command = [binary, "--bind", "127.0.0.1", "--port", str(self.port)]
        self._command += ["--save", "", "--appendonly", "no"]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it answers PING."""
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + WAIT_SECONDS
        ping = ["redis-cli", "-p", str(self.port), "ping"]
        while subprocess.run(ping, capture_output=True, check=False).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop it (idempotent)."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=WAIT_SECONDS)
            self._process = None
