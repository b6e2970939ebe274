"""The action table of the 集聚区 stay (docs/support.md), on core.workflow: pages show
`allowed_actions`, services `move`; nothing else decides."""

from __future__ import annotations

from ipcity.core.workflow import Action, Workflow
from ipcity.support.choices import AdvantageBatchStatus, AssessmentStatus, ClusterStatus
from ipcity.support.models import AdvantageBatch, CentreAssessment, ClusterMembership
from ipcity.support.permissions import centre_or_city, city_office, member_or_city

CS = ClusterStatus

CLUSTER_WORKFLOW: Workflow[ClusterMembership] = Workflow(
    ClusterMembership,
    [
        # Simplified review: the city office admits or declines (with the reason).
        Action("admit", "同意入驻", frozenset({CS.APPLIED}), city_office, to=CS.RESIDENT),
        Action(
            "reject", "不予入驻", frozenset({CS.APPLIED}), city_office, to=CS.REJECTED, requires=("reason",)
        ),
        # The annual monitoring report (staff, revenue, clients), by the agency or the city office.
        Action("report", "报送年度监测数据", frozenset({CS.RESIDENT}), member_or_city),
        # 迁出: the agency leaves (or the office records it); 退出: the office ends the stay.
        Action(
            "move_out",
            "迁出",
            frozenset({CS.RESIDENT}),
            member_or_city,
            to=CS.MOVED_OUT,
            requires=("reason",),
        ),
        Action("exit", "清退", frozenset({CS.RESIDENT}), city_office, to=CS.EXITED, requires=("reason",)),
    ],
    audit_prefix="cluster_membership",
    number=lambda m: m.number,
)


# The yearly 绩效考评 of an operation centre: the centre fills in its reported items (填报) and
# submits; the city office returns it with the reason or confirms it (审核 → 确认). Confirming fixes
# the score and grade that feed the 运营中心 reward item.
AS = AssessmentStatus

ASSESSMENT_WORKFLOW: Workflow[CentreAssessment] = Workflow(
    CentreAssessment,
    [
        Action("report", "填报考评事项", frozenset({AS.DRAFT, AS.RETURNED}), centre_or_city),
        Action("submit", "提交审核", frozenset({AS.DRAFT, AS.RETURNED}), centre_or_city, to=AS.SUBMITTED),
        Action(
            "return", "退回修改", frozenset({AS.SUBMITTED}), city_office, to=AS.RETURNED, requires=("reason",)
        ),
        Action("confirm", "确认考评结果", frozenset({AS.SUBMITTED}), city_office, to=AS.CONFIRMED),
    ],
    audit_prefix="centre_assessment",
    number=lambda a: a.number,
)


AB = AdvantageBatchStatus

# 市级知识产权优势企业 (方案二(四)1): the city office registers the candidates of the year, reviews
# them (a score and 拟认定 or not each, at most the year's quota selected), publicises the selected,
# takes them back to review after an objection, and recognises them with the document number.
ADVANTAGE_WORKFLOW: Workflow[AdvantageBatch] = Workflow(
    AdvantageBatch,
    [
        Action("add_candidate", "登记申报企业", frozenset({AB.DECLARING}), city_office),
        Action("start_review", "结束申报、开始评审", frozenset({AB.DECLARING}), city_office, to=AB.REVIEWING),
        Action("evaluate", "录入评审结果", frozenset({AB.REVIEWING}), city_office),
        Action("publicise", "公示拟认定名单", frozenset({AB.REVIEWING}), city_office, to=AB.PUBLICISING),
        Action(
            "reopen",
            "退回评审",
            frozenset({AB.PUBLICISING}),
            city_office,
            to=AB.REVIEWING,
            requires=("reason",),
        ),
        Action("recognise", "发文认定", frozenset({AB.PUBLICISING}), city_office, to=AB.RECOGNISED),
    ],
    audit_prefix="advantage_batch",
    number=lambda b: b.number,
)
