from django.urls import path

from ipcity.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/<int:pk>/", views.audit_event, name="audit_event"),
    path("departments/<slug:code>/contacts/", views.department_contacts, name="department_contacts"),
    path("regions/", views.region_list, name="regions"),
    path("regions/<str:code>/contacts/", views.region_contacts, name="region_contacts"),
]
