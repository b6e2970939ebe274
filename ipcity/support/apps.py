from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "ipcity.support"
    label = "support"
    verbose_name = "服务支撑"
