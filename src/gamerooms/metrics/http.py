"""Django middleware that counts the HTTP responses (REST, pages, health) by status code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from gamerooms.metrics.instruments import count_response


class CountResponses:
    """Counts every response that passes through it in `gamerooms_http_responses_total`, in a
    synchronous or an asynchronous middleware chain alike."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self._in_async_chain = iscoroutinefunction(get_response)
        if self._in_async_chain:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Answer the request, counting the response's status."""
        if self._in_async_chain:
            return self._answer(request)
        response: HttpResponseBase = self.get_response(request)
        count_response(response.status_code)
        return response

    async def _answer(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await self.get_response(request)
        count_response(response.status_code)
        return response
