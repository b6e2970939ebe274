from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "ipcity.indicators"
    label = "indicators"
    verbose_name = "指标"

    def ready(self) -> None:
        from ipcity.indicators.compute import load_registry_measures

        load_registry_measures()
