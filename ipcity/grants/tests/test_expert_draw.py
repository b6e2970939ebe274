"""Grants' expert review draws its experts from support's pool (support.services.draw_experts): the
page's draw form, 回避 applied end to end, the replacement of an expert who cannot serve."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.choices import ReviewDecision
from ipcity.grants.models import Application
from ipcity.grants.tests.conftest import EXPERT_FIELD, add_expert, draft, ensure_experts, web
from ipcity.support.models import ExpertDraw
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _at_expert_review(personas: Personas) -> Application:
    app = draft(personas, item="city_advantage_enterprise", facts={})
    services.submit_application(app, actor=web(personas.enterprise_a))
    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    services.review_in_city(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
    return app


def test_the_city_draws_experts_on_the_application_page(personas: Personas, budgets) -> None:
    experts = ensure_experts(4)
    own = add_expert("本单位专家", employer=personas.org_a, employer_name="")
    app = _at_expert_review(personas)
    client = personas.client(personas.admin)
    response = client.post(
        reverse("grants:experts_assign", args=[app.pk]),
        {"field": EXPERT_FIELD, "count": "3", "named_avoid": [str(experts[0].pk)]},
        follow=True,
    )
    assert "已随机抽取并指派评审专家" in response.content.decode()
    assigned = {a.expert for a in app.assignments.select_related("expert")}
    assert assigned == set(experts[1:])  # the named one and the applicant's own are kept out
    draw = ExpertDraw.objects.get(subject_key=f"grant_application:{app.pk}")
    assert {x["name"] for x in draw.excluded} == {experts[0].name, own.name}
    assert all(a.pick is not None and a.pick.draw == draw for a in app.assignments.all())
    event = AuditEvent.objects.get(action="grant_application.experts_assign", object_id=str(app.pk))
    assert event.after is not None
    assert event.after["seed"] == str(draw.seed)
    page = client.get(reverse("grants:application", args=[app.pk])).content.decode()
    assert reverse("support:draw", args=[draw.pk]) in page
    # The applicant sees neither the experts nor the draw.
    page = (
        personas.client(personas.enterprise_a)
        .get(reverse("grants:application", args=[app.pk]))
        .content.decode()
    )
    assert experts[1].name not in page and reverse("support:draw", args=[draw.pk]) not in page
    assert (
        personas.client(personas.enterprise_a).get(reverse("support:draw", args=[draw.pk])).status_code == 403
    )


def test_a_pool_too_small_after_avoidance_is_refused_with_nothing_assigned(
    personas: Personas, budgets
) -> None:
    ensure_experts(2)
    add_expert("本单位专家", employer=personas.org_a, employer_name="")
    app = _at_expert_review(personas)
    with pytest.raises(Refused, match="只有 2 位"):
        services.assign_experts(app, actor=web(personas.admin), field=EXPERT_FIELD, count=3)
    assert not app.assignments.exists() and not ExpertDraw.objects.exists()


def test_an_expert_who_cannot_serve_is_replaced_by_a_new_draw(personas: Personas, budgets) -> None:
    ensure_experts(4)
    app = _at_expert_review(personas)
    admin = web(personas.admin)
    assignments = services.assign_experts(app, actor=admin, field=EXPERT_FIELD, count=3)
    leaving = assignments[0]
    services.record_score(assignments[1], actor=admin, score=Decimal("80"))
    with pytest.raises(Refused, match="已评分"):
        services.replace_expert(assignments[1], actor=admin, reason="回避")
    url = reverse("grants:expert_replace", args=[leaving.pk])
    assert personas.client(personas.district_a).post(url, {"reason": "x"}).status_code == 403
    personas.client(personas.admin).post(url, {"reason": "临时出差"})
    experts = {a.expert for a in app.assignments.all()}
    assert leaving.expert not in experts and len(experts) == 3
    replacement = ExpertDraw.objects.get(replaces__isnull=False)
    assert replacement.reason.endswith("临时出差") and replacement.replaces.expert == leaving.expert  # type: ignore[union-attr]
    # The pool is now used up: a second replacement is refused, nothing changes.
    other = app.assignments.exclude(score__isnull=False).exclude(pick__draw=replacement).get()
    with pytest.raises(Refused, match="可抽取的专家不足"):
        services.replace_expert(other, actor=admin, reason="生病")
    assert app.assignments.count() == 3
