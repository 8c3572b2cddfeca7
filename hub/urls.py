from django.urls import path

from . import views

app_name = "hub"
urlpatterns = [
    path("hub/", views.board, name="board"),
    path("hub/arrivals/new/", views.arrival_new, name="arrival_new"),
    path("hub/arrivals/<id:pk>/", views.arrival, name="arrival"),
    path("hub/arrivals/<id:pk>/start/", views.assessment_start, name="assessment_start"),
    path("hub/arrivals/<id:pk>/complete/", views.assessment_complete, name="assessment_complete"),
]
