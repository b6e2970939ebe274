from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ipcity.registry"
    label = "registry"
    verbose_name = "知识产权数据"

    def ready(self) -> None:
        from ipcity.registry import workflows  # noqa: F401  (registers the action tables in core.workflow)
