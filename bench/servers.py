"""Starting and stopping the servers under test: gamerooms (alone, or two on Redis behind HAProxy),
peers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gamerooms.testing import Balancer, ServerProcess, free_port, stop_process

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
COLYSEUS = BENCH / "peers" / "colyseus"
NODE = COLYSEUS / "node_modules" / ".bin" / "node"

SERVERS = ("gamerooms", "gamerooms-redis2", "asgi", "picows", "colyseus")
"""Every server the harness can run, by name."""

RAISED_LIMITS = {
    "GAMEROOMS_RATE_PER_SECOND": "1000000",
    "GAMEROOMS_RATE_BURST": "1000000",
    "GAMEROOMS_THROTTLE_GUEST": "off",
}
"""Rate limits high enough (guest sign-ups unthrottled) that the generator, not the limiter, sets
the load."""


class Unavailable(RuntimeError):
    """This server cannot run on this machine (its reason is the message)."""


@dataclass
class Running:
    """A started server: where to reach it and which processes are its cost."""

    name: str
    kind: str
    http: list[str]
    pids: list[int]
    parts: dict[str, list[int]] = field(default_factory=dict)
    """Those of `pids` whose cost is also reported apart, by name ("balancer", "redis")."""

    @property
    def ws(self) -> list[str]:
        """The ws:// base URL of each server process."""
        return [url.replace("http://", "ws://", 1) for url in self.http]


def gamerooms_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for `gamerooms serve` with the bench game and raised limits."""
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        "PYTHONPATH": os.pathsep.join(paths),
        "GAMEROOMS_GAMES": "bench.games:Relay",
        **RAISED_LIMITS,
        **(extra or {}),
    }


@contextmanager
def start(name: str) -> Iterator[Running]:
    """Run the named server for the duration of the block."""
    starters = {
        "gamerooms": _gamerooms,
        "gamerooms-redis2": _gamerooms_redis2,
        "asgi": _asgi,
        "picows": _picows,
        "colyseus": _colyseus,
    }
    if name not in starters:
        raise ValueError(f"unknown server {name!r}; known: {', '.join(SERVERS)}")
    with starters[name]() as running:
        yield running


@contextmanager
def _gamerooms() -> Iterator[Running]:
    with tempfile.TemporaryDirectory(prefix="bench-gamerooms-") as data:
        env = gamerooms_env()
        server = ServerProcess(free_port(), data, env)
        server.start(timeout=60)
        try:
            assert server.process is not None
            yield Running("gamerooms", "gamerooms", [server.base_url], [server.process.pid])
        finally:
            server.stop()


@contextmanager
def _gamerooms_redis2() -> Iterator[Running]:
    if shutil.which("haproxy") is None:
        raise Unavailable("haproxy is not installed")
    with ExitStack() as stack:
        redis_port, redis_pid = stack.enter_context(_redis())
        data = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-gamerooms-"))
        env = gamerooms_env({"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
        servers = [ServerProcess(free_port(), data, env) for _ in range(2)]
        for server in servers:
            server.start(timeout=60)
            stack.callback(server.stop)
        balancer = Balancer.in_front_of(servers, REPO / "deploy" / "haproxy.cfg")
        balancer.start(timeout=60)
        stack.callback(balancer.stop)
        pids = [*(server.pid for server in servers), balancer.pid, redis_pid]
        parts = {"balancer": [balancer.pid], "redis": [redis_pid]}
        yield Running("gamerooms-redis2", "gamerooms", [balancer.base_url], pids, parts)


@contextmanager
def _redis() -> Iterator[tuple[int, int]]:
    """A private, memory-only redis-server: (port, pid)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise Unavailable("redis-server is not installed")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]
    with _process(command) as process:
        _wait(lambda: _redis_pong(port), "redis-server", process)
        yield port, process.pid


def _redis_pong(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16).startswith(b"+PONG")


@contextmanager
def _asgi() -> Iterator[Running]:
    with _python_relay("asgi", "asgi_relay.py", lambda url, port: _http_ok(f"{url}/healthz")) as up:
        yield up


@contextmanager
def _picows() -> Iterator[Running]:
    with _python_relay("picows", "picows_relay.py", lambda url, port: _accepts(port)) as up:
        yield up


@contextmanager
def _python_relay(name: str, script: str, ready: Callable[[str, int], bool]) -> Iterator[Running]:
    """One of the plain relays in bench/peers (they speak the "asgi" dialect), once `ready`."""
    port = free_port()
    command = [sys.executable, str(BENCH / "peers" / script), "--port", str(port)]
    with _process(command) as process:
        url = f"http://127.0.0.1:{port}"
        _wait(lambda: ready(url, port), f"{name} relay", process)
        yield Running(name, "asgi", [url], [process.pid])


@contextmanager
def _colyseus() -> Iterator[Running]:
    ensure_colyseus()
    port = free_port()
    command = [str(NODE), str(COLYSEUS / "server.js"), str(port), str(64 * 1024)]
    with _process(command, cwd=COLYSEUS) as process:
        url = f"http://127.0.0.1:{port}"
        _wait(lambda: _http_ok(f"{url}/healthz"), "colyseus", process)
        yield Running("colyseus", "colyseus", [url], [process.pid])


def ensure_colyseus() -> None:
    """Install the Colyseus peer at its locked versions unless it is there; Unavailable if it
    can't. (`npm install --no-save`, not `npm ci`: npm 11 rejects this lockfile in `ci` because
    it lacks msgpackr-extract's optional packages for other platforms.)"""
    if NODE.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is not installed: can't install the Colyseus peer")
    print("installing the Colyseus peer (npm install in bench/peers/colyseus) ...", flush=True)
    command = [npm, "install", "--no-save", "--no-audit", "--no-fund"]
    done = subprocess.run(command, cwd=COLYSEUS, capture_output=True, text=True)
    if done.returncode != 0 or not NODE.exists():
        raise Unavailable(f"npm install failed in {COLYSEUS}: {done.stderr.strip()[-500:]}")


@contextmanager
def _process(command: list[str], cwd: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, terminated (then killed) at the end of the block."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    try:
        yield process
    finally:
        stop_process(process)


def _accepts(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def _http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=1) as response:
        return bool(response.status == 200)


def _wait(
    ready: Callable[[], bool], what: str, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    """Poll `ready()` until it is true; RuntimeError if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")
