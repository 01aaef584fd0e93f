"""URL routes of the bundled server: the API under /api/, health, and the OpenAPI schema."""

from django.urls import include, path

urlpatterns = [
    path("", include("gamerooms.api.urls")),
]
