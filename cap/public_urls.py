"""The public online enquiry and self-referral, under /get-help/ (no login)."""

from django.urls import path

from . import public

app_name = "public"
urlpatterns = [
    path("get-help/", public.start, name="start"),
    path("get-help/check-your-answers/", public.check, name="check"),
    path("get-help/sent/<str:signed>/", public.sent, name="sent"),
    path("get-help/register-with-a-gp/", public.no_gp, name="no_gp"),
    path("get-help/<slug:name>/", public.step, name="step"),
]
