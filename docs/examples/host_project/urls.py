"""URL configuration of mysite: the Django admin, the gamerooms REST API and the demo pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gamerooms.api.urls")),
    path("", include("gamerooms.web.urls")),  # the demo pages (optional)
]
