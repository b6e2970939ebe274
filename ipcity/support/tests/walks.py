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
from ipcity.support.models import AdvantageBatch, ClusterMembership
from ipcity.support.workflows import ADVANTAGE_WORKFLOW, CLUSTER_WORKFLOW
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
