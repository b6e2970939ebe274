"""Organisations (一企一档) and who acts for them. Patents, trademarks etc. come with the registry issue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import is_city_admin
from ipcity.lib.identifiers import IdentifierError, normalize_uscc
from ipcity.registry.choices import OrganisationKind


def validate_uscc(value: str) -> None:
    try:
        normalize_uscc(value)
    except IdentifierError as exc:
        raise ValidationError(str(exc)) from exc


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """City admins see all; a district bureau its region's; applicants and agencies their own."""
        if is_city_admin(user):
            return self
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role == Role.DISTRICT_OFFICER:
            return self.filter(region_id=user.region_id)
        if user.role in {Role.APPLICANT, Role.AGENCY}:
            return self.filter(memberships__user=user)
        return self.none()


class Organisation(models.Model):
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=30, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所属区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user who acts for an organisation (an enterprise's or an agency's account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织机构"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("机构账号")
        verbose_name_plural = _("机构账号")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
