from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ipcity.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from ipcity.accounts import signals  # noqa: F401  (connects the receivers)
