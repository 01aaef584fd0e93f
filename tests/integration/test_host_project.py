"""The README's "Use it inside your own Django project", as written: a fresh `startproject` with
exactly the snippets of docs/examples/host_project/, run under uvicorn, plays a match over the
public protocol and serves the demo page with its static files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from gamerooms.testing import GameClient, Guest, create_guest, free_port, stop_process

SNIPPETS = Path(__file__).resolve().parents[2] / "docs" / "examples" / "host_project"
PROJECT = "mysite"


@dataclass
class HostProject:
    """A running `uvicorn mysite.asgi:application` of a fresh project."""

    port: int
    log: Path

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, path: str, token: str) -> str:
        """The ws:// URL of a path with the token in the query string."""
        return f"ws://127.0.0.1:{self.port}{path}?token={token}"

    def get(self, path: str, token: str | None = None) -> tuple[int, bytes]:
        """GET a path (with a Bearer token if given): the status and body."""
        return self.call("GET", path, token)

    def call(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> tuple[int, bytes]:
        """Send a request (JSON body if given): the status and body, errors included."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = None
        if body is not None:
            data = orjson.dumps(body)
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as failed:
            return failed.code, failed.read()


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Run a command to completion; its output in the assertion if it fails."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def _new_project(root: Path, env: dict[str, str]) -> None:
    """`startproject mysite` in root with the README's snippets applied."""
    _run([sys.executable, "-m", "django", "startproject", PROJECT, str(root)], root, env)
    package = root / PROJECT
    with (package / "settings.py").open("a") as settings:
        settings.write("\n" + (SNIPPETS / "settings.py").read_text())
    for name in ("urls.py", "asgi.py"):
        (package / name).write_text((SNIPPETS / name).read_text())
    _run([sys.executable, "manage.py", "migrate", "--no-input"], root, env)


def _wait_for_health(process: subprocess.Popen[bytes], host: HostProject) -> None:
    """Return once /healthz answers; fail with the log if the process exits or never does."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{host.log.read_text()}")
        try:
            with urllib.request.urlopen(f"{host.base_url}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"no answer on /healthz:\n{host.log.read_text()}")


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProject]:
    """The fresh project, migrated and served by uvicorn on a free port."""
    root = tmp_path_factory.mktemp("host_project")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    _new_project(root, env)
    project = HostProject(free_port(), root / "uvicorn.log")
    command = [sys.executable, "-m", "uvicorn", f"{PROJECT}.asgi:application"]
    command += ["--port", str(project.port), "--log-level", "warning"]
    with project.log.open("ab") as output:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=output)
    try:
        _wait_for_health(process, project)
        yield project
    finally:
        stop_process(process)


def test_a_bearer_token_is_accepted_without_copied_settings(host: HostProject) -> None:
    guest = create_guest(host.base_url, "Host")
    status, body = host.get("/api/me/", guest.access)
    assert status == 200, body
    assert orjson.loads(body)["id"] == guest.id
    room = {"name": "Host room", "game": "tictactoe", "max_players": 2}
    status, body = host.call("POST", "/api/rooms/", guest.access, room)
    assert status == 201, body


def test_the_schema_is_served(host: HostProject) -> None:
    status, body = host.get("/api/schema/")
    assert status == 200, body
    assert b"/api/me/" in body


def test_only_the_configured_games_are_offered(host: HostProject) -> None:
    status, body = host.get("/api/games/")
    assert status == 200, body
    assert [game["name"] for game in orjson.loads(body)] == ["tictactoe"]


async def _matched(host: HostProject, players: list[Guest]) -> str:
    """Queue the players for tic-tac-toe; the match id they were all found."""
    path = "/ws/queue/tictactoe/"
    sockets = [await GameClient.connect(host.ws_url(path, player.access)) for player in players]
    found = {(await socket.wait_for("match.found"))["match_id"] for socket in sockets}
    for socket in sockets:
        assert await socket.closed() == 4001
    [match_id] = found
    return str(match_id)


async def test_two_queued_guests_play_a_match_to_the_end(host: HostProject) -> None:
    players = [create_guest(host.base_url, f"Q{index}") for index in range(2)]
    match_id = await _matched(host, players)
    path = f"/ws/matches/{match_id}/"
    seats = [await GameClient.connect(host.ws_url(path, player.access)) for player in players]
    latest = [await seat.expect("match.state") for seat in seats]
    try:
        for _ in range(9):
            if latest[0]["status"] == "finished":
                break
            [(seat, frame)] = [
                (seat, frame)
                for seat, frame in zip(seats, latest, strict=True)
                if frame["turn"]["actions"]
            ]
            move = frame["turn"]["actions"][0]
            await seat.send("match.action", action=move["name"], data=move["data"])
            latest = [await seat.wait_for("match.update") for seat in seats]
        assert latest[0]["status"] == "finished", latest[0]
        assert latest[0]["result"]["reason"], latest[0]
    finally:
        for seat in seats:
            await seat.close()


def test_the_demo_page_and_its_static_files_are_served(host: HostProject) -> None:
    status, body = host.get("/")
    assert status == 200, body
    static = re.findall(r"""["'](/static/[^"']+)["']""", body.decode())
    assert static, body
    for path in static:
        status, _ = host.get(path)
        assert status == 200, path


def test_the_readme_shows_the_settings_snippet_as_the_file_has_it() -> None:
    readme = (SNIPPETS.parents[2] / "README.md").read_text()
    body = (SNIPPETS / "settings.py").read_text().split("\n", 2)[2]
    shown = "\n".join(f"  {line}" if line else "" for line in body.splitlines())
    assert shown in readme
