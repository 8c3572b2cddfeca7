from django.urls import path

from . import views

app_name = "adjustments"

urlpatterns = [
    path("referrals/<id:pk>/adjustments/", views.referral_flag, name="referral_flag"),
]
