from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "ipcity.indicators"
    label = "indicators"
    verbose_name = "指标"

    def ready(self) -> None:
        from ipcity.indicators import facts
        from ipcity.indicators.assessment_source import indicator_achievement
        from ipcity.indicators.compute import load_registry_measures
        from ipcity.indicators.flag_source import indicator_checks
        from ipcity.supervision.assessment import set_indicator_source
        from ipcity.supervision.selectors import set_indicator_check_source

        load_registry_measures()
        facts.connect()
        set_indicator_source(indicator_achievement)
        set_indicator_check_source(indicator_checks)
