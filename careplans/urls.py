from django.urls import path

from . import views

app_name = "careplans"
urlpatterns = [path("care-plans/", views.index, name="index")]
