from django.urls import path

from . import public, views

app_name = "directory"
urlpatterns = [
    path("directory/", views.index, name="index"),
    path("directory/services/new/", views.service_new, name="service_new"),
    path("directory/services/<id:pk>/", views.service, name="service"),
    path("directory/services/<id:pk>/edit/", views.service_edit, name="service_edit"),
    path("directory/services/<id:pk>/retire/", views.service_retire, name="service_retire"),
    path("directory/services/<id:pk>/reinstate/", views.service_reinstate, name="service_reinstate"),
    path("directory/services/<id:pk>/verify/", views.service_verify, name="service_verify"),
    path("directory/services/<id:pk>/categorise/", views.service_categorise, name="service_categorise"),
    path("directory/to-check/", views.to_check, name="to_check"),
    path("directory/to-categorise/", views.to_categorise, name="to_categorise"),
    path("directory/import/", views.import_services, name="import"),
    path("directory/export.jsonl", views.export_services, name="export"),
    path("directory/helpline/", views.helpline, name="helpline"),
    path("directory/unmet-needs/", views.unmet_needs, name="unmet_needs"),
    path("directory/unmet-needs/new/", views.unmet_need_new, name="unmet_need_new"),
    path("directory/expertise/", views.expertise, name="expertise"),
    path("directory/expertise/new/", views.expertise_edit, name="expertise_new"),
    path("directory/expertise/<id:pk>/edit/", views.expertise_edit, name="expertise_edit"),
    path("directory/expertise/<id:pk>/remove/", views.expertise_remove, name="expertise_remove"),
    # The public search: no login, nothing about any person.
    path("find-support/", public.search, name="public_search"),
    path("find-support/<str:identifier>/", public.service, name="public_service"),
]
