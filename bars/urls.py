from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "bars"

urlpatterns = [
    # FHIR names an operation with a "$": the address other systems are configured with.
    path("$process-message", login_not_required(views.ProcessMessageApi.as_view()), name="process_message"),
]
