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

        from ipcity.core.audit_labels import register_value_display
        from ipcity.grants.selectors import facts_text, item_name

        # The audit log shows a reward item by its name and the facts by their labels, not codes.
        register_value_display("item_code", lambda code: item_name(str(code)))
        register_value_display("facts", facts_text)
