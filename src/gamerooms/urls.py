"""URL routes of the bundled server: the API under /api/, health, the OpenAPI schema, and the
demo web client (gamerooms.web) at /."""

from django.urls import include, path

urlpatterns = [
    path("", include("gamerooms.api.urls")),
    path("", include("gamerooms.web.urls")),
]
