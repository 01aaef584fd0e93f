"""The OpenAPI schema of a real `gamerooms serve` against what its REST API does.

schemathesis reads the live `/api/schema/` and calls every operation with requests made from it,
valid ones and invalid ones, as a guest with a Bearer token: no answer may be a server error, and
every answer must be one the schema describes (status code, media type, headers and body).
Known-good calls then reach the answers that generated requests cannot (a room, a match record
and its replay, account tokens and a session) and check them against the schema too. The server
runs with the REST throttles off, so that requests get past them (a 429 is described, but would
hide the rest).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from gamerooms.testing import Guest, ServerProcess, create_guest, running_server
from tests.integration.kit import play_out
from tests.integration.rooms_kit import room_fields
from tests.integration.test_replays import record_when_finished
from tests.integration.test_rest_bad_input import UNTHROTTLED

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    unsupported_method,
]
"""No 5xx, and every answer as the schema describes it (an undeclared method gets 405)."""

EXAMPLES = 25
"""Generated requests per operation and mode."""

PASSWORD_EXAMPLES = 6
"""Generated requests for the operations that hash a password, which takes long on purpose."""

HASHING = frozenset({"POST /api/auth/register/", "POST /api/auth/token/"})


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """An embedded-default server with the REST throttles off."""
    with running_server(env=UNTHROTTLED) as process:
        yield process


@pytest.fixture(scope="module")
def player(server: ServerProcess) -> Guest:
    """The guest whose token the generated requests carry."""
    return create_guest(server.base_url, "Schema")


@pytest.fixture(scope="module")
def api_schema(server: ServerProcess) -> OpenApiSchema:
    """The server's own schema, as it serves it."""
    return schemathesis.openapi.from_url(f"{server.base_url}/api/schema/?format=json")


def bearer(player: Guest) -> dict[str, str]:
    """The Authorization header of a player's access token."""
    return {"Authorization": f"Bearer {player.access}"}


def call_all(operation: APIOperation, mode: GenerationMode, player: Guest) -> None:
    """Call one operation with generated requests, checking every answer."""
    examples = PASSWORD_EXAMPLES if operation.label in HASHING else EXAMPLES

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(mode))
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=bearer(player), checks=CHECKS)

    call()


def takes_input(operation: APIOperation) -> bool:
    """Whether a request can be invalid other than by its token: it has a body or a query."""
    return bool(len(operation.body) or len(operation.query))


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_generated_requests_get_described_answers(
    api_schema: OpenApiSchema, player: Guest, mode: GenerationMode, subtests: pytest.Subtests
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations
    for operation in operations:
        if mode is GenerationMode.POSITIVE or takes_input(operation):
            with subtests.test(operation.label):
                call_all(operation, mode, player)


def described(
    api_schema: OpenApiSchema, path: str, method: str, response: httpx.Response, status: int
) -> Any:
    """The response's JSON, after checking its status and that the schema describes it."""
    assert response.status_code == status, response.text
    api_schema[path][method].validate_response(response)
    return response.json() if response.content else None


async def test_a_room_match_and_replay_are_as_described(
    server: ServerProcess, api_schema: OpenApiSchema
) -> None:
    owner, other = create_guest(server.base_url, "Owner"), create_guest(server.base_url, "Other")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        created = await http.post("/api/rooms/", json=room_fields(), headers=bearer(owner))
        room = described(api_schema, "/api/rooms/", "POST", created, 201)
        found = await http.get(f"/api/rooms/{room['id']}/")
        assert described(api_schema, "/api/rooms/{code}/", "GET", found, 200) == room
        listed = described(api_schema, "/api/rooms/", "GET", await http.get("/api/rooms/"), 200)
        assert room in listed
        match_id = server.create_match("tictactoe", [owner, other])
        record = await http.get(f"/api/matches/{match_id}/")
        assert described(api_schema, "/api/matches/{match_id}/", "GET", record, 200)["id"]
        refused = await http.get(f"/api/matches/{match_id}/replay/")
        described(api_schema, "/api/matches/{match_id}/replay/", "GET", refused, 409)
        await play_out(server, match_id, [owner, other])
        assert (await record_when_finished(server, match_id))["status"] == "finished"
        for viewer, seat in ((bearer(owner), 0), ({}, None)):
            replay = await http.get(f"/api/matches/{match_id}/replay/", headers=viewer)
            body = described(api_schema, "/api/matches/{match_id}/replay/", "GET", replay, 200)
            assert body["seat"] == seat and body["steps"][-1]["turn"]["seats"] == []


def test_accounts_tokens_and_sessions_are_as_described(
    server: ServerProcess, api_schema: OpenApiSchema
) -> None:
    account = {"username": f"schema-{server.port}", "password": "correct horse battery"}
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        registered = http.post("/api/auth/register/", json=account)
        described(api_schema, "/api/auth/register/", "POST", registered, 201)
        pair = http.post("/api/auth/token/", json=account)
        tokens = described(api_schema, "/api/auth/token/", "POST", pair, 200)
        refreshed = http.post("/api/auth/token/refresh/", json={"refresh": tokens["refresh"]})
        described(api_schema, "/api/auth/token/refresh/", "POST", refreshed, 200)
        wrong = http.post("/api/auth/token/", json={**account, "password": "wrong"})
        described(api_schema, "/api/auth/token/", "POST", wrong, 401)
        csrf = described(api_schema, "/api/auth/login/", "GET", http.get("/api/auth/login/"), 200)
        headers = {"X-CSRFToken": csrf["csrf_token"]}
        login = http.post("/api/auth/login/", json=account, headers=headers)
        player = described(api_schema, "/api/auth/login/", "POST", login, 200)
        assert described(api_schema, "/api/me/", "GET", http.get("/api/me/"), 200) == player
        headers = {"X-CSRFToken": http.cookies["csrftoken"]}
        logout = http.post("/api/auth/logout/", headers=headers)
        described(api_schema, "/api/auth/logout/", "POST", logout, 204)
        described(api_schema, "/api/me/", "GET", http.get("/api/me/"), 401)
