from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "ipcity.grants"
    label = "grants"
    verbose_name = "奖补兑现"
