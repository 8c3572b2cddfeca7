from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from .models import CarePlan


@permission_required("careplans.view_careplan", raise_exception=True)
def index(request):
    plans = CarePlan.objects.select_related("service_user").order_by("-updated_at")[:100]
    return render(request, "careplans/index.html", {"plans": plans})
