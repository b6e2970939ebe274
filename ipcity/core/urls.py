from django.urls import path

from ipcity.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/<id:pk>/", views.audit_event, name="audit_event"),
    path("departments/<slug:code>/contacts/", views.department_contacts, name="department_contacts"),
    path("regions/", views.region_list, name="regions"),
    path("regions/<code:code>/contacts/", views.region_contacts, name="region_contacts"),
    path("health/", views.health, name="health"),
    path("calendar/", views.calendar_list, name="calendar"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/verify/", views.calendar_verify, name="calendar_verify"),
    path("calendar/<int:year>/days/add/", views.calendar_day_add, name="calendar_day_add"),
    path("calendar/days/<int:pk>/edit/", views.calendar_day_edit, name="calendar_day_edit"),
    path("calendar/days/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<uuid:pk>/status/", views.job_detail, name="job_status"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<id:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
]
