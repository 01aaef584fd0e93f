"""URL routes of the bundled server: the API under /api/, health, the OpenAPI schema, the Django
admin at /admin/, and the demo web client (gamerooms.web) at /."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gamerooms.api.urls")),
    path("", include("gamerooms.web.urls")),
]
