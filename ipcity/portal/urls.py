from django.urls import path

from ipcity.portal import desk, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", desk.desk, name="desk"),
    path("desk/count/", desk.desk_count, name="desk_count"),
]
