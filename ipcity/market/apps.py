from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "ipcity.market"
    label = "market"
    verbose_name = "技术市场"

    def ready(self) -> None:
        from ipcity.market import workflows  # noqa: F401  (registers the action tables in core.workflow)

        # The 一企一档 (a registry page) lists the organisation's listings through a provider.
        from ipcity.market.profile import organisation_section
        from ipcity.registry.profile_sections import register_profile_section

        register_profile_section(organisation_section)
