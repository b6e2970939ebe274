from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ipcity.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from ipcity.core.audit_labels import register_value_display
        from ipcity.supervision import workflows  # noqa: F401  (registers the action tables in core.workflow)
        from ipcity.supervision.selectors import colour_label

        # The audit log names a flag colour as the rules do (红), not by its code.
        register_value_display("colour", lambda code: colour_label(str(code)))
