from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("scheduling/booking-queue/", views.booking_queue, name="booking_queue"),
    path("scheduling/referrals/<int:pk>/book/", views.book, name="book"),
]
