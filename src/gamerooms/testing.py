"""A public test kit: a fake clock, a protocol client, a real server process (and a balancer in
front of several), match set-up, and the application in the test's own process (InProcessServer)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gamerooms.client import Closed, GameClient, Guest, ProtocolClient, create_guest
from gamerooms.in_process import InProcessClient, InProcessServer

__all__ = [
    "Balancer",
    "Closed",
    "FakeClock",
    "GameClient",
    "Guest",
    "InProcessClient",
    "InProcessServer",
    "ProtocolClient",
    "ServerProcess",
    "create_guest",
    "free_port",
    "running_server",
    "stop_process",
]


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        """The fake time in seconds since the epoch."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self._now += seconds


def free_port() -> int:
    """A TCP port that is free right now on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """End a child process: SIGTERM, then SIGKILL if it has not gone within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class ServerProcess:
    """A real `gamerooms serve` process."""

    port: int
    data: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    """Where the process's output goes (None: the test run's own output)."""
    log_level: str = "warning"
    """`gamerooms serve --log-level`: "info" adds uvicorn's access log."""

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The process id of the running server."""
        if self.process is None:
            raise RuntimeError("the server is not running")
        return self.process.pid

    def ws_url(self, path: str, token: str | None = None) -> str:
        """The ws:// URL of a path, with the token in the query string."""
        query = f"?token={token}" if token else ""
        return f"ws://127.0.0.1:{self.port}{path}{query}"

    def command(self) -> list[str]:
        """The command line of the process."""
        command = [sys.executable, "-m", "gamerooms", "serve", "--port", str(self.port)]
        return [*command, "--data", self.data, "--log-level", self.log_level]

    def start(self, timeout: float = 30.0) -> None:
        """Start the process and wait until /healthz answers."""
        output = None if self.log is None else self.log.open("ab")
        try:
            self.process = subprocess.Popen(
                self.command(), env={**os.environ, **self.env}, stdout=output, stderr=output
            )
        finally:
            if output is not None:
                output.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("server did not answer /healthz")

    def create_match(self, game: str, players: list[Guest], seed: int | None = None) -> str:
        """Create a match between these players on this server; its id."""
        command = [sys.executable, "-m", "gamerooms", "match", "--game", game, "--data", self.data]
        command += ["--players", ",".join(player.id for player in players)]
        if seed is not None:
            command += ["--seed", str(seed)]
        output = subprocess.run(
            command, env={**os.environ, **self.env}, check=True, capture_output=True, timeout=60
        )
        return output.stdout.decode().strip()

    def kill(self) -> None:
        """Stop the process at once (SIGKILL), as a crash would."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL)."""
        if self.process is None:
            return
        stop_process(self.process)
        self.process = None


@dataclass
class Balancer(ServerProcess):
    """HAProxy with `config` (deploy/haproxy.cfg) on `port` in front of server processes:
    clients reach it as they would one of them, and `create_match` runs with their settings."""

    config: Path = field(kw_only=True)

    @classmethod
    def in_front_of(cls, servers: Sequence[ServerProcess], config: Path) -> Balancer:
        """A balancer (not started) on a free port for these servers (the config's
        GAMEROOMS_BIND and GAMEROOMS_SERVER_<n>)."""
        port = free_port()
        env = {**servers[0].env, "GAMEROOMS_BIND": f"127.0.0.1:{port}"}
        env |= {f"GAMEROOMS_SERVER_{n}": f"127.0.0.1:{s.port}" for n, s in enumerate(servers, 1)}
        return cls(port, servers[0].data, env, config=config)

    def command(self) -> list[str]:
        """haproxy in the foreground with the config."""
        return ["haproxy", "-db", "-f", str(self.config)]


@contextmanager
def running_server(
    data: str | None = None, env: Mapping[str, str] | None = None, log: Path | None = None
) -> Iterator[ServerProcess]:
    """A server process for the duration of the block; its output goes to `log` if given."""
    with tempfile.TemporaryDirectory() as scratch:
        server = ServerProcess(free_port(), data or scratch, dict(env or {}), log=log)
        server.start()
        try:
            yield server
        finally:
            server.stop()
