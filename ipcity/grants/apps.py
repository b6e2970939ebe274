from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "ipcity.grants"
    label = "grants"
    verbose_name = "奖补兑现"

    def ready(self) -> None:
        from ipcity.core.workdays import calendar_changed
        from ipcity.grants import workflows  # noqa: F401  (registers the action tables in core.workflow)
        from ipcity.grants.services.deadlines import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="grants.refresh_deadlines")

        # The 一企一档 (a registry page) shows this app's records through a provider it calls.
        from ipcity.grants.profile import organisation_section
        from ipcity.registry.profile_sections import register_profile_section

        register_profile_section(organisation_section)
