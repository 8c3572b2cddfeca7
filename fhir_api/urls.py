"""The FHIR R4 read API, under /fhir/R4/ (config/urls.py): what the server can do, and the
CAP's people, referrals, assessment bookings and care plans in UK Core's shapes."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "fhir_api"

urlpatterns = [
    # API views authenticate themselves and answer 401/403, never a redirect to sign in.
    path("metadata", login_not_required(views.MetadataApi.as_view()), name="metadata"),
    path("Patient", login_not_required(views.PatientSearchApi.as_view()), name="patient_search"),
    path("Patient/<id:pk>", login_not_required(views.PatientReadApi.as_view()), name="patient"),
    path("ServiceRequest", login_not_required(views.ServiceRequestSearchApi.as_view()),
         name="service_request_search"),
    path("ServiceRequest/<id:pk>", login_not_required(views.ServiceRequestReadApi.as_view()),
         name="service_request"),
    path("Appointment", login_not_required(views.AppointmentSearchApi.as_view()), name="appointment_search"),
    path("CarePlan", login_not_required(views.CarePlanSearchApi.as_view()), name="care_plan_search"),
]
