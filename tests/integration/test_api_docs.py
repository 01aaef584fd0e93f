"""Swagger UI and Redoc on a real `gamerooms serve`: each page loads, refers only to the server's
own files (no CDN), and every file it refers to is served, as is the schema it reads."""

from __future__ import annotations

import re

import httpx
import pytest

from gamerooms.testing import ServerProcess

REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
URL_IN_SCRIPT = re.compile(r"""["'](?:https?:)?//[^"']+["']""")


@pytest.mark.parametrize("page", ["/api/docs/", "/api/docs/redoc/"])
def test_docs_page_uses_only_local_files(memory_server: ServerProcess, page: str) -> None:
    with httpx.Client(base_url=memory_server.base_url, timeout=10) as http:
        response = http.get(page)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert URL_IN_SCRIPT.findall(response.text) == []
        references = REFERENCE.findall(response.text)
        assets = [ref for ref in references if ref.startswith("/static/")]
        assert assets, response.text
        assert [ref for ref in references if not ref.startswith("/")] == []
        for asset in assets:
            served = http.get(asset)
            assert served.status_code == 200, asset
            assert served.content
        assert "/api/schema/" in response.text
        schema = http.get("/api/schema/", headers={"Accept": "application/json"})
        assert schema.status_code == 200
        assert "/api/rooms/" in schema.json()["paths"]
