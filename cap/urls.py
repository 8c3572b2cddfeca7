from django.urls import path

from . import views

app_name = "cap"
urlpatterns = [
    path("calls/new/", views.log_call, name="log_call"),
    path("referrals/new/", views.written_referral, name="written_referral"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
]
