from django.urls import path

from ipcity.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data/", views.data_entry, name="data"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/records/", views.records, name="records"),
]
