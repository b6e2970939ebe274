from django.urls import path

from ipcity.portal import desk, public_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", desk.desk, name="desk"),
    path("desk/count/", desk.desk_count, name="desk_count"),
    path("notices/", public_views.notice_list, name="notices"),
    path("notices/manage/", public_views.notice_manage, name="notice_manage"),
    path("notices/new/", public_views.notice_new, name="notice_new"),
    path("notices/<id:pk>/", public_views.notice_detail, name="notice"),
    path("notices/<id:pk>/edit/", public_views.notice_edit, name="notice_edit"),
    path(
        "notices/<id:pk>/files/<id:attachment_pk>/", public_views.notice_attachment, name="notice_attachment"
    ),
    path(
        "notices/<id:pk>/publish/", public_views.notice_action, {"action": "publish"}, name="notice_publish"
    ),
    path(
        "notices/<id:pk>/withdraw/",
        public_views.notice_action,
        {"action": "withdraw"},
        name="notice_withdraw",
    ),
    path("open-data/", public_views.open_data, name="open_data"),
    path("open-data/indicators.<str:fmt>", public_views.open_data_download, name="open_data_download"),
    path("open-data/dictionary.xlsx", public_views.data_dictionary, name="data_dictionary"),
    path("public-indicators/", public_views.public_indicators, name="public_indicators"),
]
