from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from .models import CommunityService


@permission_required("directory.view_communityservice", raise_exception=True)
def index(request):
    services = CommunityService.objects.filter(retired_at__isnull=True).order_by("category", "name")
    return render(request, "directory/index.html", {"services": services})
