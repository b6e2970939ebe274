from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ipcity.reports"
    label = "reports"
    verbose_name = "白皮书"

    def ready(self) -> None:
        from ipcity.reports import services, workflows  # noqa: F401  (registers the job and the action table)
