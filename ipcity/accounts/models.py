"""Users and their role. A role binds a user to what it acts for: a department, a region,
or (for applicants and agencies) an organisation — that binding lives in registry.Membership."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.accounts.choices import Role


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("所属区市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.DEPT_LIAISON and self.department_id is None:
            raise ValidationError({"department": _("部门联络员必须指定所属部门。")})
        if self.role == Role.DISTRICT_OFFICER and self.region_id is None:
            raise ValidationError({"region": _("区市局用户必须指定所属区市。")})

    @property
    def is_city_admin(self) -> bool:
        return self.is_active and (self.role == Role.CITY_ADMIN or self.is_superuser)

    # The city IP office's administrators manage every model in the Django admin; other roles
    # never reach it (is_staff is off). Read-only models stay read-only through their ModelAdmin.
    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        return (self.is_staff and self.is_city_admin) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return (self.is_staff and self.is_city_admin) or super().has_module_perms(app_label)


class LoginAttempt(AccessAttempt):
    """django-axes' record of failed sign-ins of one username from one address, shown in Chinese
    in the admin; deleting one lifts its lockout."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败与锁定")
