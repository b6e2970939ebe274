from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "ipcity.protection"
    label = "protection"
    verbose_name = "知识产权保护"

    def ready(self) -> None:
        from ipcity.protection import measures, workflows  # noqa: F401  (action tables; indicator functions)
