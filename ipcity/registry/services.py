"""Writes on organisations and the review queue of their names. One transaction and one audit event
each; background imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ipcity.accounts.models import User
from ipcity.accounts.permissions import is_city_admin
from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.jobs import JobHandle, background_job, start_job
from ipcity.core.models import Job
from ipcity.core.workflow import Refused
from ipcity.lib.identifiers import IdentifierError, normalize_bank_account, normalize_uscc
from ipcity.lib.text import clean_text
from ipcity.lib.uploads import Limits
from ipcity.registry.choices import ImportKind, VocabularyField
from ipcity.registry.linking import attribute_first_holders, link_name
from ipcity.registry.models import (
    Licence,
    LicenceItem,
    Membership,
    Organisation,
    OrganisationTag,
    Patent,
    ReviewItem,
    SourceWording,
)
from ipcity.registry.permissions import can_edit_organisation
from ipcity.registry.workflows import REVIEW_FLOW

ORGANISATION_FIELDS = [
    "uscc",
    "name",
    "kind",
    "region",
    "address",
    "contact_person",
    "contact_phone",
    "is_demo",
]
EDITABLE_BY_MEMBER = ["address", "contact_person", "contact_phone"]
PAYEE_FIELDS = ["payee_name", "payee_bank", "payee_account"]


@transaction.atomic
def upsert_organisation(*, actor: Actor, name: str, values: dict[str, Any]) -> tuple[Organisation, str]:
    values = dict(values)
    if values.get("uscc"):
        values["uscc"] = normalize_uscc(values["uscc"])
    return upsert(Organisation, key={"name": name}, values=values, actor=actor, action_prefix="organisation")


@transaction.atomic
def update_organisation_contacts(org: Organisation, *, actor: Actor, values: dict[str, str]) -> bool:
    changed = [name for name in EDITABLE_BY_MEMBER if getattr(org, name) != values.get(name, "")]
    if not changed:
        return False
    before = snapshot(org, changed)
    for name in changed:
        setattr(org, name, values.get(name, ""))
    org.full_clean()
    org.save(update_fields=changed)
    record_event(actor, "organisation.contacts.update", obj=org, before=before, after=snapshot(org, changed))
    return True


@transaction.atomic
def update_payee_account(org: Organisation, *, actor: Actor, name: str, bank: str, account: str) -> bool:
    """Record the organisation's 收款账户 (户名, 开户行, 账号); payments copy it when they are made.
    The organisation's own accounts and the city office only (the command line too). Returns
    whether anything changed. A 户名 other than the organisation's name is allowed — the pages warn
    (`Organisation.payee_name_differs`)."""
    if actor.user is not None and not can_edit_organisation(actor.user, org):
        raise Refused(f"无权修改{org.name}的收款账户")
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    values = {"payee_name": clean_text(name), "payee_bank": clean_text(bank)}
    missing = [label for key, label in (("payee_name", "户名"), ("payee_bank", "开户行")) if not values[key]]
    if missing:
        raise ValidationError(f"请填写{'、'.join(missing)}。")
    try:
        values["payee_account"] = normalize_bank_account(account)
    except IdentifierError as exc:
        raise ValidationError(f"账号：{exc}。") from exc
    changed = [field for field in PAYEE_FIELDS if getattr(org, field) != values[field]]
    if not changed:
        return False
    before = snapshot(org, PAYEE_FIELDS)
    for field in changed:
        setattr(org, field, values[field])
    org.clean_fields(exclude=[f.name for f in Organisation._meta.fields if f.name not in PAYEE_FIELDS])
    org.save(update_fields=changed)
    record_event(
        actor, "organisation.payee_account.update", obj=org, before=before, after=snapshot(org, PAYEE_FIELDS)
    )
    return True


@transaction.atomic
def bind_user_to_organisation(user: User, organisation: Organisation, *, actor: Actor) -> Membership:
    membership, _status = upsert(
        Membership,
        key={"user": user},
        values={"organisation": organisation},
        actor=actor,
        action_prefix="membership",
    )
    return membership


LICENCE_FIELDS = ["reference", "kind", "licensor_name", "licensee_name", "fee", "contract_date", "term_end"]


@transaction.atomic
def record_licence(
    *,
    actor: Actor,
    reference: str,
    kind: str,
    licensor: Organisation,
    licensee: Organisation,
    fee: Any,
    contract_date: Any,
    patents: list[Patent],
    term_end: Any = None,
    note: str = "",
) -> Licence:
    """Record a licence or assignment of patents concluded outside an import (a deal confirmed in the
    technology market): it shows in the licence list and on both parties' 一企一档 like an imported
    one. Not yet recorded at CNIPA (`recorded` false): a later import of the CNIPA records updates it
    by its reference. Refused (ValidationError, Chinese) for a reference already used, no patent, or
    a licensor and licensee that are the same organisation. One audit event."""
    if not patents:
        raise ValidationError("许可/转让至少要有一件专利。")
    if licensor.pk == licensee.pk:
        raise ValidationError("许可人与被许可人不能是同一机构。")
    if Licence.objects.filter(reference=reference).exists():
        raise ValidationError(f"合同编号“{reference}”已有许可/转让记录。")
    licence = Licence.objects.create(
        reference=reference,
        kind=kind,
        licensor_name=licensor.name,
        licensor=licensor,
        licensee_name=licensee.name,
        licensee=licensee,
        fee=fee,
        contract_date=contract_date,
        term_end=term_end,
        recorded=False,
    )
    LicenceItem.objects.bulk_create(
        LicenceItem(
            licence=licence, position=index, ip_kind="patent", identifier=p.application_number, patent=p
        )
        for index, p in enumerate(patents, start=1)
    )
    after = {**snapshot(licence, LICENCE_FIELDS), "items": [p.application_number for p in patents]}
    record_event(actor, "licence.create", obj=licence, after=after, note=note)
    return licence


DECISION_FIELDS = ["organisation", "resolved_at", "resolved_by"]


def _decide(
    item: ReviewItem, action: str, organisation: Organisation | None, *, actor: Actor, note: str
) -> None:
    """Move the locked item through REVIEW_FLOW (refused there when it may not) and keep who decided
    what, when; the audit event carries the decision."""
    decided = action != "reopen"
    item.organisation = organisation
    item.resolved_at = timezone.now() if decided else None
    item.resolved_by = actor.label if decided else ""
    REVIEW_FLOW.move(item, action, actor=actor, comment=note, audit_after=snapshot(item, DECISION_FIELDS))
    item.save(update_fields=DECISION_FIELDS)


@transaction.atomic
def resolve_review_item(item: ReviewItem, *, organisation: Organisation, actor: Actor) -> int:
    """Decide which of its candidates an ambiguous name is (REVIEW_FLOW `resolve`). The decision is
    reused by later imports; records already imported under the name are linked now. Returns how
    many records were linked."""
    item = REVIEW_FLOW.lock(item)
    REVIEW_FLOW.require(item, "resolve", actor=actor)  # before linking: a refusal writes nothing
    if not item.candidates.filter(pk=organisation.pk).exists():
        raise ValidationError(f"“{organisation.name}”不是“{item.name}”的候选机构。")
    linked = link_name(item.name_key, organisation.pk)
    attribute_first_holders({organisation.pk})
    _decide(item, "resolve", organisation, actor=actor, note=f"关联 {linked} 条记录")
    return linked


@transaction.atomic
def dismiss_review_item(item: ReviewItem, *, actor: Actor) -> None:
    """The name is none of its candidates: keep it unlinked in this and later imports."""
    _decide(REVIEW_FLOW.lock(item), "dismiss", None, actor=actor, note="确认不属于任何候选机构")


@transaction.atomic
def reopen_review_item(item: ReviewItem, *, actor: Actor) -> None:
    """Undo a decision for future imports (records already linked stay linked)."""
    _decide(REVIEW_FLOW.lock(item), "reopen", None, actor=actor, note="")


class ImportRefused(Exception):
    """A file given to a background import was refused; the message lists why (in Chinese)."""


@background_job("registry.import")
def import_file_job(
    handle: JobHandle,
    actor: Actor,
    /,
    *,
    kind: str,
    path: str,
    original_name: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    profile: str = "",
) -> dict[str, Any]:
    """The same importer as the CLI, for a file uploaded on the import page and stored at `path`."""
    from ipcity.registry.importers import SPECS, import_file

    label = SPECS[kind].label
    if not Path(path).is_file():
        raise ImportRefused(f"上传的文件“{original_name}”已不存在，请重新上传")
    handle.progress(0, None, f"正在校验并导入{label}")
    result = import_file(
        kind,
        Path(path),
        actor=actor,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        file_label=original_name,
        profile=profile or None,
        progress=lambda done, total: handle.progress(done, total, f"已处理 {done} 行"),
        limits=Limits.web(),  # an upload from the web: the byte limits apply too
    )
    if result.refused:
        lines = [result.summary(), *(str(e) for e in result.errors[:50])]
        if result.error_count > 50:
            lines.append(f"……另有 {result.error_count - 50} 条错误")
        raise ImportRefused("\n".join(lines))
    out: dict[str, Any] = {
        "导入格式": f"按{result.profile_called}读取",
        "结果": result.summary(),
        "新增": result.created,
        "更新": result.updated,
        "未变": result.unchanged,
        "拒收": result.rejected,
    }
    if result.warnings:
        out["提示"] = "；".join(result.warnings)
    if result.import_run_id:
        out["导入记录"] = f"/registry/imports/{result.import_run_id}/"
    for index, error in enumerate(result.errors[:20], start=1):
        out[f"拒收 {index}"] = str(error)
    return out


def start_import_job(
    kind: str,
    path: Path,
    *,
    original_name: str,
    actor: Actor,
    skip_invalid: bool = False,
    dry_run: bool = False,
    profile: str = "",
) -> Job:
    """Queue import_file_job for a stored upload; the job page shows progress and result."""
    from ipcity.registry.importers import SPECS

    verb = "校验" if dry_run else "导入"
    return start_job(
        import_file_job,
        label=f"{verb}{SPECS[kind].label}：{original_name}",
        actor=actor,
        params={
            "kind": kind,
            "path": str(path),
            "original_name": original_name,
            "skip_invalid": skip_invalid,
            "dry_run": dry_run,
            "profile": profile,
        },
    )


# -- Source profiles (导入格式): the office's synonyms ------------------------------------------


def _profile_for_wording(kind: str, code: str) -> Any:
    from ipcity.registry.importers.profiles import ProfileError, get_profile

    try:
        return get_profile(kind, code)
    except (ProfileError, KeyError) as exc:
        raise ValidationError("没有这一导入格式。") from exc


@transaction.atomic
def add_source_wording(
    *, actor: Actor, kind: str, profile: str, field: str, wording: str, value: str
) -> SourceWording:
    """The city office teaches a profile a wording: in its files, `wording` in column `field` means
    `value`. Refused (ValidationError, Chinese) for a wording the profile already has, an empty or
    over-long one, or a value the field does not take. One audit event."""
    from ipcity.registry.importers.profiles import VOCABULARIES, value_label, wording_key

    if not is_city_admin(actor.user):
        raise PermissionDenied("只有市知识产权局可以修改导入格式。")
    source = _profile_for_wording(kind, profile)
    choices = VOCABULARIES.get(kind, {}).get(field)
    if choices is None or field not in source.vocabulary_fields:
        raise ValidationError({"field": "该导入格式没有这一编码字段。"})
    text = clean_text(wording)
    if not text:
        raise ValidationError({"wording": "请填写文件中的写法。"})
    if len(text) > 100:
        raise ValidationError({"wording": "写法不能超过 100 个字符。"})
    if value not in choices.values:
        raise ValidationError({"value": "请选择对应的值。"})
    key = wording_key(text)
    field_label = VocabularyField(field).label
    known = source.vocabulary(field).get(key)  # the file's wordings and the registry's own labels
    if known is not None:
        raise ValidationError(
            {"wording": f"{source.called}已有这一写法，对应“{value_label(kind, field, known)}”，无需添加。"}
        )
    existing = SourceWording.objects.filter(
        kind=kind, profile=source.code, field=field, wording_key=key
    ).first()
    if existing is not None:
        raise ValidationError(
            {
                "wording": f"这一写法已由{existing.created_by_label}添加，对应“{value_label(kind, field, existing.value)}”；"
                "如需改正，请先删除。"
            }
        )
    row = SourceWording.objects.create(
        kind=kind,
        profile=source.code,
        field=field,
        wording=text,
        wording_key=key,
        value=value,
        created_by=actor.user,
        created_by_label=actor.label,
    )
    record_event(
        actor,
        "registry.wording.add",
        obj=row,
        object_repr=f"{source.name}：{field_label}“{text}”",
        after={
            "kind": str(ImportKind(kind).label),
            "profile": source.name,
            "field": field,
            "wording": text,
            "value": value_label(kind, field, value),
        },
        note=f"导入格式“{source.name}”",
    )
    return row


@transaction.atomic
def remove_source_wording(*, actor: Actor, wording: SourceWording) -> None:
    """Remove a synonym the office added (the profile file's wordings are removed in the file).
    Files read later with this wording are refused on that row again. One audit event."""
    from ipcity.registry.importers.profiles import get_profile, value_label

    if not is_city_admin(actor.user):
        raise PermissionDenied("只有市知识产权局可以修改导入格式。")
    try:
        name = get_profile(wording.kind, wording.profile).name
    except ValueError:
        name = wording.profile  # the profile's file is gone: its synonyms can still be removed
    record_event(
        actor,
        "registry.wording.remove",
        obj=wording,
        object_repr=f"{name}：{wording.get_field_display()}“{wording.wording}”",
        before={
            "kind": str(ImportKind(wording.kind).label),
            "profile": name,
            "field": wording.field,
            "wording": wording.wording,
            "value": value_label(wording.kind, wording.field, wording.value),
            "created_by_label": wording.created_by_label,
            "created_at": wording.created_at,
        },
        note=f"导入格式“{name}”",
    )
    wording.delete()


@transaction.atomic
def tag_organisation(org: Organisation, *, tag: str, year: int, actor: Actor) -> OrganisationTag:
    """Record that the organisation holds a recognition tag for a year (a 优势企业 recognition the
    support module records); nothing changes when it already does. One audit event when added."""
    found = OrganisationTag.objects.filter(organisation=org, tag=tag, year=year).first()
    if found is not None:
        return found
    created = OrganisationTag.objects.create(organisation=org, tag=tag, year=year)
    record_event(actor, "organisation_tag.add", obj=org, after={"tag": tag, "year": year})
    return created


@transaction.atomic
def untag_organisation(org: Organisation, *, tag: str, year: int, actor: Actor) -> bool:
    """Remove a recognition tag of a year (a recognition recorded in error); False when absent."""
    deleted, _by_model = OrganisationTag.objects.filter(organisation=org, tag=tag, year=year).delete()
    if deleted:
        record_event(actor, "organisation_tag.remove", obj=org, before={"tag": tag, "year": year})
    return bool(deleted)
