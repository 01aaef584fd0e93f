"""URL routes of the bundled server: the API under /api/, health, the OpenAPI schema with Swagger
UI and Redoc under /api/docs/, the Django admin at /admin/, Prometheus metrics at /metrics, and
the demo web client (gamerooms.web) at /."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from gamerooms.metrics.view import metrics

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="gamerooms-metrics"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="gamerooms-schema"),
        name="gamerooms-docs",
    ),
    path(
        "api/docs/redoc/",
        SpectacularRedocView.as_view(
            url_name="gamerooms-schema", template_name="gamerooms/redoc.html"
        ),
        name="gamerooms-redoc",
    ),
    path("", include("gamerooms.api.urls")),
    path("", include("gamerooms.web.urls")),
]
