from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("access/break-glass/", views.break_glass_report, name="break_glass_report"),
    path("access/break-glass/<id:service_user_id>/", views.break_glass, name="break_glass"),
]
