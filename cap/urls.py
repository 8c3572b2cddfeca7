from django.urls import path

from . import access_log_views, find_views, views

app_name = "cap"
urlpatterns = [
    path("calls/new/", views.log_call, name="log_call"),
    path("calls/", views.calls, name="calls"),
    path("calls/<id:pk>/", views.call, name="call"),
    path("referrals/new/", views.written_referral, name="written_referral"),
    path("referrals/<id:pk>/", views.referral, name="referral"),
    path("referrals/<id:pk>/letter/", views.referral_attachment, name="referral_attachment"),
    path("referrals/<id:pk>/children-hub/", views.children_hub_response, name="children_hub_response"),
    path("referrals/<id:pk>/information/", views.referral_add_information,
         name="referral_add_information"),
    path("referrals/<id:pk>/identity/", views.referral_identity, name="referral_identity"),
    path("referrals/<id:pk>/vulnerable/", views.person_vulnerable, name="person_vulnerable"),
    # The header's search box: a person or a referral by NHS number, name and date of birth, or reference.
    path("find/", find_views.find, name="find"),
    path("identity-checks/", views.match_reviews, name="match_reviews"),
    path("identity-checks/<id:pk>/", views.match_review, name="match_review"),
    path("tasks/", views.admin_tasks, name="admin_tasks"),
    path("tasks/<id:pk>/done/", views.admin_task_done, name="admin_task_done"),
    # Who has looked at a record (managers): find a person or a user, then their log.
    path("records/access/", access_log_views.record_access, name="record_access"),
    path("records/<id:pk>/access-log/", access_log_views.record_access_log_page, name="record_access_log"),
    path("records/users/<id:pk>/access-log/", access_log_views.user_access_log, name="user_access_log"),
]
