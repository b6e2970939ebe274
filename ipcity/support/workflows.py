"""The action table of the 集聚区 stay (docs/support.md), on core.workflow: pages show
`allowed_actions`, services `move`; nothing else decides."""

from __future__ import annotations

from ipcity.core.workflow import Action, Workflow
from ipcity.support.choices import ClusterStatus
from ipcity.support.models import ClusterMembership
from ipcity.support.permissions import city_office, member_or_city

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
