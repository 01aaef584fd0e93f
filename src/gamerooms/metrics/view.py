"""`GET /metrics`: this process's metrics in Prometheus' text format (an operator's page: keep
it off the public side of the balancer, or set `METRICS_TOKEN`)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from prometheus_client.core import Metric

from gamerooms.metrics.gauges import runtime_gauges
from gamerooms.runtime import current_runtime


class Scrape:
    """What one scrape exposes: every metric of the default registry, then the runtime's
    gauges as read for this scrape."""

    def __init__(self, gauges: list[Metric]) -> None:
        self._gauges = gauges

    def collect(self) -> Iterable[Metric]:
        """The metrics, in exposition order."""
        yield from REGISTRY.collect()
        yield from self._gauges


def token_accepted(request: HttpRequest, token: str | None) -> bool:
    """Whether the request may read the metrics: always without a token, else only with
    `Authorization: Bearer <token>`."""
    if token is None:
        return True
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return hmac.compare_digest(given.encode(), token.encode())


@require_GET
async def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics; 404 while METRICS is off, 401 without the METRICS_TOKEN when one is set."""
    runtime = current_runtime()
    if not runtime.config.METRICS:
        raise Http404("metrics are off")
    if not token_accepted(request, runtime.config.METRICS_TOKEN):
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body = generate_latest(Scrape(await runtime_gauges(runtime)))
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
