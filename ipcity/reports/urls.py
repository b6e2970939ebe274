from django.urls import path

from ipcity.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("published/", views.published, name="published"),
    path("years/<int:year>/editorial/", views.editorial, name="editorial"),
    path("years/<int:year>/preview/", views.preview, name="preview"),
    path("editions/<id:pk>/", views.edition_detail, name="edition"),
    *(
        path(
            f"editions/<id:pk>/{action}/", views.edition_action, {"action": action}, name=f"edition_{action}"
        )
        for action in ("publish", "discard")
    ),
    path("editions/<id:pk>/<str:fmt>/", views.download, name="download"),
]
