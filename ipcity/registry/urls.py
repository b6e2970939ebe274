from django.urls import path

from ipcity.registry import views

app_name = "registry"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<id:pk>/contacts/", views.organisation_contacts, name="organisation_contacts"),
    path("patents/", views.patent_list, name="patents"),
    path("patents/<code:number>/", views.patent_detail, name="patent"),
    path("trademarks/", views.trademark_list, name="trademarks"),
    path("geographical-indications/", views.geographical_indication_list, name="geographical_indications"),
    path("pledges/", views.pledge_list, name="pledges"),
    path("licences/", views.licence_list, name="licences"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<id:pk>/", views.import_detail, name="import"),
    path("imports/<id:pk>/rejects.csv", views.import_rejects, name="import_rejects"),
    path("sources/", views.source_list, name="sources"),
    path("sources/wordings/add/", views.source_wording_add, name="source_wording_add"),
    path("sources/wordings/<id:pk>/remove/", views.source_wording_remove, name="source_wording_remove"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<id:pk>/resolve/", views.review_act, {"action": "resolve"}, name="review_resolve"),
    path("reviews/<id:pk>/dismiss/", views.review_act, {"action": "dismiss"}, name="review_dismiss"),
    path("reviews/<id:pk>/reopen/", views.review_act, {"action": "reopen"}, name="review_reopen"),
]
