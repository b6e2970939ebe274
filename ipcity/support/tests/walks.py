"""The walk of support/workflows.py (ipcity/core/tests/walk.py): a 集聚区 stay in each status, reached
with the real services; 测试代理所 (agency) is the service agency. Each action is tried through its
service and its page's POST; the page marks each control it offers with `data-action`."""

from __future__ import annotations

from collections.abc import Generator
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.tests.walk import Try, Walk, data_actions, rolled_back, take, walk_for
from ipcity.support import services
from ipcity.support.models import AdvantageBatch, CentreAssessment, ClusterMembership
from ipcity.support.workflows import ADVANTAGE_WORKFLOW, ASSESSMENT_WORKFLOW, CLUSTER_WORKFLOW
from ipcity.test import Personas

REASON = "业务调整"
CLUSTER_EXPECTED: dict[str, dict[str, set[str]]] = {
    "待审核": {"admin": {"admit", "reject"}},
    "已入驻": {"admin": {"report", "move_out", "exit"}, "agency": {"report", "move_out"}},
    "未通过": {},
    "已迁出": {},
    "已退出": {},
}


@walk_for(ClusterMembership)
def cluster_walk(personas: Personas, tmp_path: Path) -> Walk[ClusterMembership]:
    agency, city = Actor.web(personas.agency), Actor.web(personas.admin)

    def states() -> Generator[tuple[str, ClusterMembership], None, None]:
        stay = services.apply_to_cluster(personas.org_agency, actor=agency, statement="申请入驻")
        yield "待审核", stay
        with rolled_back():
            services.reject_cluster_application(stay, actor=city, reason="资质不全")
            yield "未通过", stay
        services.admit_to_cluster(stay, actor=city)
        yield "已入驻", stay
        with rolled_back():
            services.move_out_of_cluster(stay, actor=agency, reason=REASON)
            yield "已迁出", stay
        services.exit_from_cluster(stay, actor=city, reason="信用评价不合格")
        yield "已退出", stay

    def tries(stay: ClusterMembership, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"support:stay_{action}", args=[stay.pk])

        report = {
            "year": timezone.localdate().year,
            "staff": 10,
            "revenue": Decimal("1000000"),
            "clients": 30,
        }
        return [
            take("admit", services.admit_to_cluster, url("admit"), actor=actor),
            take(
                "reject",
                services.reject_cluster_application,
                url("reject"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take(
                "report",
                services.report_cluster_year,
                url("report"),
                {k: str(v) for k, v in report.items()},
                actor=actor,
                **report,
            ),
            take(
                "move_out",
                services.move_out_of_cluster,
                url("move_out"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take(
                "exit",
                services.exit_from_cluster,
                url("exit"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
        ]

    return Walk(
        CLUSTER_WORKFLOW,
        states(),
        tries,
        data_actions(lambda stay: reverse("support:stay", args=[stay.pk])),
        CLUSTER_EXPECTED,
    )


# ------------------------------------------------------------------------------------------ 绩效考评

ASSESSMENT_EXPECTED: dict[str, dict[str, set[str]]] = {
    "填报中": {"admin": {"report", "submit"}, "agency": {"report", "submit"}},
    "待审核": {"admin": {"return", "confirm"}},
    "退回修改": {"admin": {"report", "submit"}, "agency": {"report", "submit"}},
    "已确认": {},
}


def reported_values(assessment: CentreAssessment) -> dict[str, Decimal]:
    """A value for every item the centre must report (the service refuses to submit without)."""
    return {code: Decimal("5") for code in services.reportable_codes(assessment)}


@walk_for(CentreAssessment)
def assessment_walk(personas: Personas, tmp_path: Path) -> Walk[CentreAssessment]:
    """测试代理所 (agency) runs the 高端装备 centre and reports its assessment; the city office reviews."""
    centre_actor, city = Actor.web(personas.agency), Actor.web(personas.admin)

    def states() -> Generator[tuple[str, CentreAssessment], None, None]:
        centre = services.save_operation_centre(
            actor=city,
            industry="high_end_equipment",
            name="测试高端装备运营中心",
            organisation=personas.org_agency,
        )
        a = services.open_assessment(centre, actor=city, year=timezone.localdate().year - 1)
        services.report_assessment_items(a, actor=centre_actor, values=reported_values(a))
        yield "填报中", a
        services.submit_assessment(a, actor=centre_actor)
        yield "待审核", a
        with rolled_back():
            services.return_assessment(a, actor=city, reason="请补充说明")
            yield "退回修改", a
        services.confirm_assessment(a, actor=city)
        yield "已确认", a

    def tries(a: CentreAssessment, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"support:assessment_{action}", args=[a.pk])

        values = reported_values(a)
        return [
            take(
                "report",
                services.report_assessment_items,
                url("report"),
                {k: str(v) for k, v in values.items()},
                actor=actor,
                values=values,
            ),
            take("submit", services.submit_assessment, url("submit"), actor=actor),
            take(
                "return",
                services.return_assessment,
                url("return"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take("confirm", services.confirm_assessment, url("confirm"), actor=actor),
        ]

    return Walk(
        ASSESSMENT_WORKFLOW,
        states(),
        tries,
        data_actions(lambda a: reverse("support:assessment", args=[a.pk])),
        ASSESSMENT_EXPECTED,
    )


ADVANTAGE_EXPECTED: dict[str, dict[str, set[str]]] = {
    "申报": {"admin": {"add_candidate", "start_review"}},
    "评审": {"admin": {"evaluate", "publicise"}},
    "公示": {"admin": {"reopen", "recognise"}},
    "已认定": {},
}


@walk_for(AdvantageBatch)
def advantage_walk(personas: Personas, tmp_path: Path) -> Walk[AdvantageBatch]:
    from ipcity.support import services_strong as strong

    city = Actor.web(personas.admin)
    batch = strong.open_advantage_batch(actor=city, year=timezone.localdate().year)
    candidate = strong.add_advantage_candidate(batch, actor=city, organisation=personas.org_a)

    def states() -> Generator[tuple[str, AdvantageBatch], None, None]:
        yield "申报", batch
        strong.start_advantage_review(batch, actor=city)
        strong.evaluate_advantage_candidate(
            batch, actor=city, candidate=candidate, score=Decimal("90"), selected=True
        )
        yield "评审", batch
        strong.publicise_advantage_batch(batch, actor=city)
        yield "公示", batch
        strong.recognise_advantage_batch(batch, actor=city, document_number="烟知字〔2026〕1号")
        yield "已认定", batch

    def tries(b: AdvantageBatch, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"support:batch_{action}", args=[b.pk])

        return [
            take(
                "add_candidate",
                strong.add_advantage_candidate,
                url("add_candidate"),
                {"organisation": personas.org_b.pk},
                actor=actor,
                organisation=personas.org_b,
            ),
            take("start_review", strong.start_advantage_review, url("start_review"), actor=actor),
            take(
                "evaluate",
                strong.evaluate_advantage_candidate,
                url("evaluate"),
                {"candidate": candidate.pk, "score": "85", "selected": "on"},
                actor=actor,
                candidate=candidate,
                score=Decimal("85"),
                selected=True,
            ),
            take("publicise", strong.publicise_advantage_batch, url("publicise"), actor=actor),
            take(
                "reopen",
                strong.reopen_advantage_batch,
                url("reopen"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take(
                "recognise",
                strong.recognise_advantage_batch,
                url("recognise"),
                {"document_number": "烟知字〔2026〕2号"},
                actor=actor,
                document_number="烟知字〔2026〕2号",
            ),
        ]

    return Walk(
        ADVANTAGE_WORKFLOW,
        states(),
        tries,
        data_actions(lambda b: reverse("support:batch", args=[b.pk])),
        ADVANTAGE_EXPECTED,
    )
