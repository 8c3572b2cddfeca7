from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("appointment/<str:token>/", views.appointment, name="appointment"),
    path("messages/replies/<id:pk>/read/", views.reply_read, name="reply_read"),
]
