from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "ipcity.policy"
    label = "policy"
    verbose_name = "奖补政策"
