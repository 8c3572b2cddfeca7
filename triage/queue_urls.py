from django.urls import path

from .views import queues

app_name = "queues"
urlpatterns = [
    path("triage/urgent/", queues.urgent, name="urgent"),
    path("triage/non-urgent/", queues.non_urgent, name="non_urgent"),
    path("triage/queues/eating-disorders/", queues.eating_disorders, name="eating_disorders"),
    path("triage/queues/nursing-home-in-reach/", queues.nursing_home_in_reach,
         name="nursing_home_in_reach"),
    path("triage/queues/children-hub/", queues.children_hub, name="children_hub"),
    path("triage/referrals/<id:pk>/claim/", queues.claim, name="claim"),
    path("triage/referrals/<id:pk>/release/", queues.release, name="release"),
]
