"""The public search of community support, under /find-support/, for people to find
help themselves. No login; it reads only active directory entries and shows nothing
about any person."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import CommunityService
from .views import search_page


@login_not_required
@require_GET
def search(request):
    return search_page(request, "public/find_support.html")


@login_not_required
@require_GET
def service(request, identifier):
    entry = get_object_or_404(CommunityService.objects.active(), identifier=identifier)
    return render(request, "public/find_support_service.html", {
        "service": entry, "locations": entry.locations.all(), "schedules": entry.schedules.all()})
