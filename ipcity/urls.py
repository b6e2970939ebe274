from django.contrib import admin
from django.urls import include, path, re_path, register_converter

from ipcity.lib.inputs import CodeConverter, IdConverter

# Before the apps' URL modules are included: they use <id:pk> and <code:code> (ipcity.lib.inputs).
register_converter(IdConverter, "id")
register_converter(CodeConverter, "code")

from ipcity.api import views as api_views  # noqa: E402
from ipcity.api.api import api  # noqa: E402  (after the converters: the apps' URL modules use them)

admin.site.site_header = "ipcity 管理后台"
admin.site.site_title = "ipcity"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", include("ipcity.portal.urls")),
    path("plan/", include("ipcity.plans.urls")),
    path("accounts/", include("ipcity.accounts.urls")),
    path("registry/", include("ipcity.registry.urls")),
    path("supervision/", include("ipcity.supervision.urls")),
    path("indicators/", include("ipcity.indicators.urls")),
    path("grants/", include("ipcity.grants.urls")),
    path("market/", include("ipcity.market.urls")),
    path("protection/", include("ipcity.protection.urls")),
    path("support/", include("ipcity.support.urls")),
    path("reports/", include("ipcity.reports.urls")),
    path("api/tokens/", include("ipcity.api.urls")),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_views.not_found, name="api_not_found"),
    path("", include("ipcity.core.urls")),
    path("admin/", admin.site.urls),
]
