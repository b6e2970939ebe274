from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "ipcity.support"
    label = "support"
    verbose_name = "服务支撑"

    def ready(self) -> None:
        from ipcity.support import workflows  # noqa: F401  (registers the action table in core.workflow)
