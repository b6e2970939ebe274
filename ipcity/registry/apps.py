from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ipcity.registry"
    label = "registry"
    verbose_name = "知识产权数据"
