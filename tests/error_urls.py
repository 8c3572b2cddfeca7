"""The service's URLs plus one that fails, for the 500 page's test."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from config.urls import urlpatterns as service_urls


@login_not_required
def fails(request):
    raise RuntimeError("secret detail: the database password is hunter2")


urlpatterns = [*service_urls, path("test-only/fails/", fails)]
