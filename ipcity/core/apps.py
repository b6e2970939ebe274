from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipcity.core"
    label = "core"
    verbose_name = "基础数据与审计"
