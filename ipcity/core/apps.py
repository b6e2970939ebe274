from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipcity.core"
    label = "core"
    verbose_name = "基础数据与审计"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished, request_started

        from ipcity.core import checks, workdays  # noqa: F401  (checks registers the system checks)
        from ipcity.core.middleware import mark_seen_at_login

        user_logged_in.connect(mark_seen_at_login, dispatch_uid="ipcity.core.mark_seen_at_login")
        # The working-day calendar's version is read once per request (core.workdays).
        request_started.connect(workdays.request_started, dispatch_uid="ipcity.core.workdays.started")
        request_finished.connect(workdays.request_finished, dispatch_uid="ipcity.core.workdays.finished")
