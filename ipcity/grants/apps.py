from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "ipcity.grants"
    label = "grants"
    verbose_name = "奖补兑现"

    def ready(self) -> None:
        from ipcity.grants import workflows  # noqa: F401  (registers the action tables in core.workflow)
