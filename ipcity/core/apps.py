from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipcity.core"
    label = "core"
    verbose_name = "基础数据与审计"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ipcity.core import checks  # noqa: F401  (registers the system checks)
        from ipcity.core.middleware import mark_seen_at_login

        user_logged_in.connect(mark_seen_at_login, dispatch_uid="ipcity.core.mark_seen_at_login")
