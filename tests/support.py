"""Helpers shared by the test suites: which services are here, and what CI requires."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_WAIT_SECONDS = 15.0
"""How long a redis-server a test starts may take to answer (or a cluster to form)."""
CLUSTER_BUS_OFFSET = 10_000
"""A Redis Cluster node talks to the others on its port + this."""


def skip_unless_required(reason: str, requirement: str) -> NoReturn:
    """Skip the calling test for `reason`, or fail it when the `requirement` variable is 1
    (as CI sets it)."""
    if os.environ.get(requirement) == "1":
        pytest.fail(f"{reason} and {requirement}=1", pytrace=False)
    pytest.skip(reason)


def redis_url_or_skip() -> str:
    """The test Redis URL; skips the calling test (or fails it, if required) when unreachable."""
    url = os.environ.get("GAMEROOMS_TEST_REDIS_URL") or DEFAULT_REDIS_URL
    problem = _redis_problem(url)
    if problem is None:
        return url
    parts = urlsplit(url)
    where = f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}"
    skip_unless_required(f"Redis not reachable at {where} ({problem})", "GAMEROOMS_REQUIRE_REDIS")


@functools.cache
def _redis_problem(url: str) -> str | None:
    """Why Redis at `url` can't be used, or None if it answers PING (asked once per session)."""
    try:
        import redis
    except ImportError:
        return "the redis package is not installed"
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        return str(error) or type(error).__name__
    finally:
        client.close()
    return None


def redis_server_or_skip() -> str:
    """The redis-server binary; skips the calling test (or fails it, if required) when absent."""
    path = shutil.which("redis-server")
    if path is not None:
        return path
    skip_unless_required("redis-server is not installed", "GAMEROOMS_REQUIRE_REDIS")


def redis_server_command(binary: str, port: int, *options: str) -> list[str]:
    """The command line of a memory-only redis-server on 127.0.0.1:`port` (plus `options`)."""
    return [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", *options]


def wait_for_redis(port: int, answer: str = "PONG", *command: str) -> None:
    """Wait until the redis-server on `port` answers `command` (PING) with a reply that contains
    `answer`."""
    deadline = time.monotonic() + REDIS_WAIT_SECONDS
    ask = ["redis-cli", "-p", str(port), *(command or ["ping"])]
    while answer not in subprocess.run(ask, capture_output=True, check=False, text=True).stdout:
        assert time.monotonic() < deadline, f"redis-server on {port} never answered {answer}"
        time.sleep(0.05)


def redis_cluster_url_or_skip() -> str:
    """A Redis Cluster's URL (any node): ``GAMEROOMS_REDIS_CLUSTER_URL``, else a local 3-master
    cluster started once per test session; skips (or fails, if required) without redis-server."""
    return os.environ.get("GAMEROOMS_REDIS_CLUSTER_URL") or _local_cluster(redis_server_or_skip())


@functools.cache
def _local_cluster(binary: str) -> str:
    """Start a memory-only 3-master cluster for the session (stopped when it ends); a node's
    URL."""
    directory = tempfile.TemporaryDirectory(prefix="gamerooms-cluster-")
    cluster = LocalCluster(binary, directory.name)
    cluster.start()
    atexit.register(cluster.stop)
    atexit.register(directory.cleanup)
    return cluster.url


class LocalCluster:
    """Three redis-servers in cluster mode on free loopback ports, their files in `directory`;
    `persistent` keeps every write on disk before it is answered, so that a restart (`stop`,
    then `start`) finds the cluster and its data again."""

    def __init__(self, binary: str, directory: str, persistent: bool = False) -> None:
        self.ports = _cluster_ports(3)
        self.url = f"redis://127.0.0.1:{self.ports[0]}/0"
        storage = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else []
        self._commands = []
        for port in self.ports:
            files = os.path.join(directory, str(port))  # a node's own: its append-only files
            os.makedirs(files, exist_ok=True)
            self._commands.append(
                redis_server_command(
                    *[binary, port, "--cluster-enabled", "yes"],
                    *(storage or ["--appendonly", "no"]),
                    *["--cluster-config-file", os.path.join(files, "nodes.conf")],
                    *["--daemonize", "no", "--dir", files],
                )
            )
        self._nodes: list[subprocess.Popen[bytes]] = []
        self._created = False

    @property
    def env(self) -> dict[str, str]:
        """A server's environment on this cluster."""
        return {"REDIS_URL": self.url, "GAMEROOMS_REDIS_CLUSTER": "1"}

    def start(self) -> None:
        """Start the nodes (join them the first time) and wait until the cluster is up."""
        self._nodes = [
            subprocess.Popen(command, stdout=subprocess.DEVNULL) for command in self._commands
        ]
        for port in self.ports:
            wait_for_redis(port)
        if not self._created:
            addresses = [f"127.0.0.1:{port}" for port in self.ports]
            create = ["redis-cli", "--cluster", "create", *addresses]
            create += ["--cluster-replicas", "0", "--cluster-yes"]
            subprocess.run(create, capture_output=True, check=True)
            self._created = True
        for port in self.ports:
            wait_for_redis(port, "cluster_state:ok", "cluster", "info")

    def stop(self) -> None:
        """Stop every node (idempotent)."""
        nodes, self._nodes = self._nodes, []
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait(timeout=REDIS_WAIT_SECONDS)


def _cluster_ports(count: int) -> list[int]:
    """`count` ports free on 127.0.0.1 whose cluster bus ports are free too."""
    ports: list[int] = []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        candidate = 20_000 + probe.getsockname()[1] % 30_000  # a bus port stays below 65536
    while len(ports) < count:
        candidate += 1
        if all(_is_free(port) for port in (candidate, candidate + CLUSTER_BUS_OFFSET)):
            ports.append(candidate)
    return ports


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


CHROMIUM = "/usr/bin/chromium"


def chromium_or_skip() -> str:
    """The Chromium binary; skips the calling test (or fails it, if required) when absent."""
    path = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path is not None:
        return path
    reason = "Chromium not found at /usr/bin/chromium (apt-get install -y chromium)"
    skip_unless_required(reason, "GAMEROOMS_REQUIRE_BROWSER")


def haproxy_or_skip() -> str:
    """The haproxy binary; skips the calling test (or fails it, if required) when absent."""
    path = shutil.which("haproxy")
    if path is not None:
        return path
    reason = "haproxy is not installed (apt-get install -y haproxy)"
    skip_unless_required(reason, "GAMEROOMS_REQUIRE_BALANCER")


DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"


def postgres_url_or_skip() -> str:
    """The test PostgreSQL URL; skips (or fails, if required) when the server is unreachable."""
    url = os.environ.get("GAMEROOMS_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    try:
        import psycopg

        psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=2).close()
    except Exception as error:
        reason = f"PostgreSQL not reachable at {url} ({error})"
        skip_unless_required(reason, "GAMEROOMS_REQUIRE_POSTGRES")
    return url


def redis_env() -> dict[str, str]:
    """Server environment for Redis with a key prefix of its own, so that servers of different
    tests (each with its own database) never fire each other's timers or read each other's state;
    skips (or fails, if required) when Redis is unreachable."""
    return {"REDIS_URL": redis_url_or_skip(), "GAMEROOMS_REDIS_PREFIX": f"t{os.urandom(6).hex()}:"}


def cluster_env() -> dict[str, str]:
    """Server environment on the test Redis Cluster (`redis_cluster_url_or_skip`) with a key
    prefix of its own, as `redis_env` gives on Redis."""
    return {
        "REDIS_URL": redis_cluster_url_or_skip(),
        "GAMEROOMS_REDIS_CLUSTER": "1",
        "GAMEROOMS_REDIS_PREFIX": f"t{os.urandom(6).hex()}:",
    }
