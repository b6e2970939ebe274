from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "ipcity.plans"
    label = "plans"
    verbose_name = "工作方案"
