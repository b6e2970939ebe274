from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ipcity.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from ipcity.supervision import workflows  # noqa: F401  (registers the action tables in core.workflow)
