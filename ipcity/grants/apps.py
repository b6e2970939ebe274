from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "ipcity.grants"
    label = "grants"
    verbose_name = "奖补兑现"

    def ready(self) -> None:
        # The 一企一档 (a registry page) shows this app's records through a provider it calls.
        from ipcity.grants.profile import organisation_section
        from ipcity.registry.profile_sections import register_profile_section

        register_profile_section(organisation_section)
