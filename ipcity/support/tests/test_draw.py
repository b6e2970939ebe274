"""The random expert draw (方案二(七)1): the same seed gives the same experts; each 回避 rule keeps
the expert out (and says why); replacements are drawn the same way; the draw is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.support import services
from ipcity.support.choices import AvoidReason, RelationKind
from ipcity.support.models import ExpertDraw
from ipcity.support.tests.helpers import CLI, TODAY, draw, expert, patent, picked, pool
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _reasons(d: ExpertDraw) -> dict[str, list[str]]:
    return {x["name"]: x["reasons"] for x in d.excluded}


def test_the_same_seed_draws_the_same_experts_in_the_same_order(personas: Personas) -> None:
    pool(12)
    first = draw(personas.org_a, 4, seed=987654321, key="a")
    again = draw(personas.org_a, 4, seed=987654321, key="b")
    other = draw(personas.org_a, 4, seed=123456789, key="c")
    assert picked(first) == picked(again) and len(set(picked(first))) == 4
    assert picked(other) != picked(first)
    # What is stored is enough to check the draw without the database: candidates and seed.
    assert services.pick(first.candidates, 4, first.seed) == [
        p.expert_id for p in first.picks.order_by("position")
    ]
    assert first.seed == 987654321 and len(first.candidates) == 12


def test_without_a_seed_a_fresh_one_is_stored_and_audited(personas: Personas) -> None:
    pool(5)
    d = draw(personas.org_a, 3)
    assert 0 <= d.seed < 2**62
    event = AuditEvent.objects.get(action="expert_draw.draw", object_id=str(d.pk))
    assert event.after is not None
    assert event.after["seed"] == str(d.seed) and event.after["picked"] == picked(d)
    assert event.after["candidates"] == d.candidates


def test_same_employer_is_kept_out(personas: Personas) -> None:
    pool(3)
    by_link = expert("单位关联专家", employer=personas.org_a, employer_name="")
    by_name = expert("同名单位专家", employer_name=personas.org_a.name)
    d = draw(personas.org_a, 3, seed=1)
    reasons = _reasons(d)
    assert reasons[by_link.name] == [AvoidReason.SAME_EMPLOYER]
    assert reasons[by_name.name] == [AvoidReason.SAME_EMPLOYER]
    assert by_link.pk not in d.candidates and by_name.pk not in d.candidates and len(d.candidates) == 3
    # The same experts review another applicant's application.
    assert by_link.pk in draw(personas.org_b, 1, seed=1, key="b").candidates


def test_recent_co_applicants_are_kept_out_within_the_configured_years(personas: Personas) -> None:
    pool(3)
    partner = expert("合作单位专家", employer=personas.org_b, employer_name="")
    by_name = expert("合作高校专家", employer_name="烟台合作大学")
    # 3 years (data/support/experts.yaml): filed 2022 is recent, 2020 is not.
    patent([personas.org_a, personas.org_b], filed=dt.date(2022, 5, 1))
    old = patent([personas.org_a, "烟台合作大学"], filed=dt.date(2020, 5, 1))
    reasons = _reasons(draw(personas.org_a, 1, seed=1))
    assert reasons[partner.name] == [AvoidReason.CO_APPLICANT] and by_name.name not in reasons
    old.filing_date = dt.date(2021, 7, 1)
    old.save()
    assert _reasons(draw(personas.org_a, 1, seed=1, key="b"))[by_name.name] == [AvoidReason.CO_APPLICANT]
    # Counted in years back from the day of the draw.
    later = draw(personas.org_a, 1, seed=1, key="c", on=dt.date(2026, 1, 1))
    assert partner.name not in _reasons(later) and by_name.name not in _reasons(later)


def test_recent_co_inventors_are_kept_out(personas: Personas) -> None:
    pool(3)
    inventor = expert("刘发明")
    expert("刘发明人")  # not the same name
    patent([personas.org_a], filed=dt.date(2023, 1, 9), inventors=["张三", "刘 发明"])
    patent([personas.org_b], filed=dt.date(2023, 1, 9), inventors=["刘发明人"])  # another applicant's
    reasons = _reasons(draw(personas.org_a, 1, seed=1))
    assert reasons == {inventor.name: [AvoidReason.CO_INVENTOR]}


def test_declared_relations_are_kept_out(personas: Personas) -> None:
    pool(3)
    adviser = expert("顾问专家")
    services.declare_relation(
        adviser, personas.org_a, actor=CLI, kind=RelationKind.ADVISER, declared_on=TODAY
    )
    assert _reasons(draw(personas.org_a, 1, seed=1)) == {adviser.name: [AvoidReason.DECLARED]}
    assert adviser.pk in draw(personas.org_b, 1, seed=1, key="b").candidates
    with pytest.raises(Refused, match="已申报"):
        services.declare_relation(adviser, personas.org_a, actor=CLI, kind=RelationKind.ADVISER)


def test_experts_the_applicant_names_are_kept_out(personas: Personas) -> None:
    experts = pool(4)
    d = draw(personas.org_a, 2, seed=5, named_avoid=experts[:2])
    assert _reasons(d) == {experts[0].name: [AvoidReason.NAMED], experts[1].name: [AvoidReason.NAMED]}
    assert sorted(picked(d)) == sorted(e.name for e in experts[2:])
    assert set(d.named_avoid.all()) == set(experts[:2])


def test_an_expert_with_several_reasons_shows_every_one(personas: Personas) -> None:
    pool(2)
    both = expert("两重回避", employer=personas.org_a, employer_name="")
    services.declare_relation(both, personas.org_a, actor=CLI, kind=RelationKind.SHAREHOLDER)
    assert _reasons(draw(personas.org_a, 1, seed=1, named_avoid=[both]))[both.name] == [
        AvoidReason.SAME_EMPLOYER,
        AvoidReason.DECLARED,
        AvoidReason.NAMED,
    ]


def test_only_available_experts_of_the_field_and_ipc_are_drawn(personas: Personas) -> None:
    pool(2)
    expert("不在库", active=False)
    expert("暂不可评审", available=False)
    expert("其他领域", field="biomedicine")
    machine = expert("机床专家", ipc_subclasses="b23k f16h")
    d = draw(personas.org_a, 1, seed=3, ipc_subclass="B23K")
    assert d.candidates == [machine.pk] and picked(d) == ["机床专家"]
    assert machine.ipc_subclasses == "B23K F16H"
    with pytest.raises(Refused, match=r"可抽取的专家不足：需要 4 位.*只有 3 位"):
        draw(personas.org_a, 4, key="b")
    assert not ExpertDraw.objects.filter(subject_key="b").exists()
    with pytest.raises(Refused, match="IPC小类"):
        draw(personas.org_a, 1, ipc_subclass="计算机", key="c")


def test_a_replacement_is_drawn_the_same_way_and_never_repeats(personas: Personas) -> None:
    experts = pool(5)
    kept_out = expert("申请回避者")
    d = draw(personas.org_a, 3, seed=11, named_avoid=[kept_out])
    first = d.picks.order_by("position").first()
    assert first is not None
    with pytest.raises(Refused, match="原因"):
        services.replace_pick(first, actor=CLI, reason=" ")
    again = services.replace_pick(first, actor=CLI, reason="出差无法参加", seed=7, on=TODAY)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and first.withdrawn_reason == "出差无法参加"
    assert again.replaces == first and again.count == 1 and again.subject_key == d.subject_key
    # Candidates: the pool less the three drawn and the one the applicant named.
    drawn = {p.expert_id for p in d.picks.all()}
    assert set(again.candidates) == {e.pk for e in experts} - drawn
    assert _reasons(again) == {kept_out.name: [AvoidReason.NAMED]}
    assert services.pick(again.candidates, 1, 7) == [again.picks.get().expert_id]
    assert AuditEvent.objects.filter(action="expert_draw.replace", object_id=str(again.pk)).exists()
    with pytest.raises(Refused, match="已退出"):
        services.replace_pick(first, actor=CLI, reason="再次")
