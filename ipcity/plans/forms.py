from __future__ import annotations

from typing import Any

from django import forms

from ipcity.core.models import Department
from ipcity.lib.inputs import SearchField
from ipcity.plans.choices import DepartmentRole
from ipcity.plans.models import Plan, Programme, Stage


class RowFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, label="责任部门", empty_label="全部部门"
    )
    role = forms.ChoiceField(
        choices=[("", "牵头或配合"), *DepartmentRole.choices], required=False, label="职责"
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), required=False, label="重点工程", empty_label="全部工程"
    )
    stage = forms.ModelChoiceField(
        queryset=Stage.objects.none(), required=False, label="阶段重点", empty_label="全部阶段"
    )
    q = SearchField(max_length=50)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("department").queryset = Department.objects.filter(
            row_assignments__row__plan=plan
        ).distinct()
        self._choice_field("programme").queryset = Programme.objects.filter(plan=plan)
        self._choice_field("stage").queryset = Stage.objects.filter(plan=plan)

    def _choice_field(self, name: str) -> forms.ModelChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field
