from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("letters/bookings/<id:pk>/appointment-letter.pdf", views.appointment_letter_pdf,
         name="appointment_letter_pdf"),
    path("letters/bookings/<id:pk>/gp-letter.pdf", views.gp_letter_pdf, name="gp_letter_pdf"),
    path("letters/copies/<id:pk>/posted/", views.copy_posted, name="copy_posted"),
]
