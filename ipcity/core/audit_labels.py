"""The audit trail in Chinese: what an action code, an object type, a changed field and its values
mean, for the audit-log pages (the codes stay in the database and the Excel export).

- Workflow actions (`<audit_prefix>.<action>[.<decision>]`, core.workflow) are named by their
  table: the action's label and the decision's (区市初审：退回修改).
- `<noun>.create|update|delete` (core.audit.upsert, delete_audited, the admin) by the verb and the
  noun: a model's verbose name, or `NOUNS` for prefixes that are not model names.
- Every other action by `ACTIONS`. `core/tests/test_audit_labels.py` scans the code for every action
  the platform can record and fails on one without a Chinese label here.
- Fields by their model field's verbose name (a relation without one by the related model's), else
  `FIELDS`; values with choices by their label, booleans as 是/否.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

VERBS = {"create": "新建", "update": "修改", "delete": "删除"}

# Prefixes of core.audit.upsert / delete_audited that are not a model's name.
NOUNS = {
    "grant_budget": "奖补预算",
    "grant_expert": "评审专家",
    "reported_value": "指标填报值",
    "training": "培训",
    "supervision.milestone": "年度节点",
    "supervision.row_setting": "任务督查设置",
    "population_gap": "常住人口缺失说明",
    "agency_profile": "服务机构档案",
    "cluster_report": "集聚区年度监测",
    "industry_alliance": "产业知识产权联盟",
    "patent_pool": "专利池",
    "operation_centre": "产业知识产权运营中心",
}

ACTIONS = {
    # accounts
    "user.login": "登录",
    "user.logout": "退出登录",
    "user.login_failed": "登录失败",
    "user.locked_out": "登录锁定",
    "user.password.set": "设置密码",
    "user.deactivate": "停用账号",
    # core
    "attachment.create": "上传附件",
    "notification.send": "发送通知",
    "backup.create": "创建数据备份",
    "backup.restore": "恢复数据备份",
    "calendar_year.create": "载入工作日历年度",
    "calendar_year.import": "录入工作日历年度",
    "calendar_year.replace": "重新录入工作日历年度",
    "calendar_year.verify": "核对工作日历年度",
    "calendar_day.create": "新增工作日历日期",
    "calendar_day.update": "修改工作日历日期",
    "calendar_day.delete": "删除工作日历日期",
    "department.contacts.update": "修改部门联络信息",
    "region.contacts.update": "修改区市联络信息",
    "job.start": "启动后台任务",
    "job.finish": "后台任务完成",
    "job.fail": "后台任务失败",
    "job.retry": "重试后台任务",
    "job.reap": "标记中断的后台任务",
    # plans
    "plan.load": "载入工作方案",
    "row.departments.update": "修改分工任务的责任部门",
    # registry
    "organisation.contacts.update": "修改机构联络信息",
    "registry.relink": "重新关联专利权人与机构",
    "registry.import.organisations": "导入机构数据",
    "registry.import.patents": "导入专利数据",
    "registry.import.trademarks": "导入商标数据",
    "registry.import.gis": "导入地理标志数据",
    "registry.import.pledges": "导入质押数据",
    "registry.import.licences": "导入许可/转让数据",
    "registry.import.awards": "导入奖项数据",
    "registry.wording.add": "为导入格式添加同义写法",
    "registry.wording.remove": "删除导入格式的同义写法",
    # indicators
    "indicators.compute": "计算指标",
    "survey.results.replace": "导入满意度调查结果",
    "training.attendance.add": "导入培训签到",
    # supervision
    "supervision.rules.create": "保存督查规则新版本",
    "supervision.milestone.delete": "删除年度节点",
    "supervision.report.submit": "报送进度报告",
    "supervision.flags.recompute": "重算蓝黄红标记",
    "supervision.escalation.issue": "生成督办单",
    "supervision.reminders.send": "发送报送提醒",
    "supervision.decomposition.import": "导入年度任务分解",
    # grants
    "grant_application.create": "新建奖补申请",
    "grant_application.update": "修改奖补申请",
    "grant_application.material.add": "上传申报材料",
    "grant_application.material.remove": "删除申报材料",
    "grant_application.experts_assign": "随机抽取并指派评审专家",
    "grant_application.expert_replace": "专家退出评审并补抽",
    "grant_application.score": "专家评分",
    "grant_application.objection": "登记公示异议",
    "grant_application.deadline": "重算兑现期限",
    "grant_entitlement.detect": "免申即享比对",
    "grant.payment_blocked": "信用核查未通过，暂停兑现",
    "credit_record.create": "新增信用记录",
    "credit_record.end": "结束信用记录",
    # market
    "market_offer.create": "新建技术供给",
    "market_need.create": "新建技术需求",
    "market_deal.create": "表达交易意向",
    "market_mandate.grant": "委托服务机构",
    "market_mandate.revoke": "撤销服务机构委托",
    "market_index.rebuild": "重建技术市场匹配索引",
    "market_auction.create": "新建专利竞价会",
    "market_lot.create": "添加竞价标的",
    "market_lot.sold": "竞价标的成交",
    "market_lot.unsold": "竞价标的流拍",
    "market_bidder.create": "报名竞买",
    "market_bid.create": "出价",
    "market_retention.create": "登记专利留烟项目",
    # reports
    "report_editorial.save": "保存白皮书编者文字",
    "report_edition.generate": "生成白皮书",
    # support
    "expert_relation.declare": "登记专家回避关系",
    "expert_relation.remove": "删除专家回避关系",
    "expert_draw.draw": "随机抽取评审专家",
    "expert_draw.replace": "补抽评审专家",
    "training_activity.create": "登记培训",
    "training_activity.register": "培训报名",
    "training_activity.sign_in": "培训手机签到",
    "training_activity.sheet_import": "导入培训签到表",
    "training_activity.certificates": "生成结业证书编号",
    "agency_profile.districts": "修改服务机构的服务区市",
    "agency_profile.staff_add": "添加服务机构人员",
    "agency_profile.staff_remove": "删除服务机构人员",
    "cluster_membership.apply": "申请入驻集聚区",
    "industry_alliance.members_add": "添加联盟成员单位",
    "industry_alliance.member_remove": "移出联盟成员单位",
    "industry_alliance.recognise": "登记联盟认定",
    "patent_pool.patents": "修改专利池的入池专利",
    "centre_assessment.open": "发起运营中心绩效考评",
    "agency_rating.compute": "计算服务机构质量评级",
    # api
    "api_token.create": "创建 API 令牌",
    "api_token.revoke": "吊销 API 令牌",
    # portal
    "portal_notice.create": "新建通知公告",
    "portal_notice.update": "修改通知公告",
    "portal.public_indicators": "设置公开指标",
    # protection
    "complaint.create": "提交电商投诉",
    "dispute.create": "登记纠纷案件",
    "aid_body.create": "新增维权援助机构",
    "aid_body.update": "修改维权援助机构",
    "mediation_body.create": "新增调解组织",
    "mediation_body.update": "修改调解组织",
    "aid_request.create": "申请维权援助",
    "risk_alert.create": "发布海外风险预警",
    "risk_subscription.create": "订阅海外风险预警",
    "risk_subscription.delete": "取消海外风险预警订阅",
    "risk_check.create": "申请海外风险排查",
    "overseas_dispute.create": "登记涉外纠纷",
    "overseas_dispute.outcome": "登记涉外纠纷结果",
    "secret_site.create": "新增商业秘密保护站点",
    "secret_site.update": "修改商业秘密保护站点",
    # support: talents and strong enterprises
    "advantage_batch.open": "建立市级优势企业年度评定",
    "enterprise_recognition.record": "登记优势/示范企业认定",
    "enterprise_recognition.remove": "删除优势/示范企业认定",
    "enterprise_recognition.import": "导入优势/示范企业认定名单",
    "talent.import": "导入人才名单",
    "organisation_tag.add": "添加机构认定标签",
    "organisation_tag.remove": "删除机构认定标签",
    "coaching_station.create": "登记上市辅导站",
    "coaching_station.update": "修改上市辅导站",
    "coaching_station.coach": "登记上市辅导企业",
    "coaching_station.end_coaching": "结束上市辅导",
    "dense_product.file": "专利密集型产品备案",
    "dense_product.recognise": "认定专利密集型产品",
}

# Object types that are not a model (record_event(object_type=...)).
OBJECT_TYPES = {"backup": "数据备份", "supervision.reminder": "报送提醒"}

# Keys of before/after that are not a field of the event's model.
FIELDS = {
    "status": "状态",
    "indexed_offer": "索引的技术供给数",
    "indexed_need": "索引的技术需求数",
    "indexed_organisation": "索引的企业数",
    "candidates": "候选专家",
    "picked": "抽中专家",
    "issued": "生成证书数",
    "end_reason": "原因",  # support: 迁出、退出或不予入驻; protection: 不予受理、调解不成
    "ended_on": "迁出/退出日期",  # support: 集聚区成员的迁出或退出
    "members": "成员单位",  # support: 产业知识产权联盟
    "level": "认定类别",  # support: 联盟认定
    "recognised_on": "认定日期",
    "issuer": "认定机关",
    "document_number": "文号",
    "ratings": "各机构得分",  # support: 服务机构质量评级
    "confirmed_on": "确认日期",  # support: 运营中心绩效考评
    "profile": "服务机构档案",
    "revoked_at": "吊销时间",
    "indicators": "指标",
    "body": "援助机构",  # protection: an 维权援助 request's body, by name
    "decision": "结论",
    "comment": "意见",
    "note": "说明",
    "file": "文件",
    "files": "文件",
    "sha256": "文件校验值",
    "size": "大小（字节）",
    "material": "材料",
    "payee": "收款账户",
    "experts": "评审专家",
    "received_on": "收到日期",
    "submitter": "异议人",
    "content": "内容",
    "objection": "公示异议",
    "resolution": "处理结果",
    "result": "结果",
    "rows": "行数",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "rejected": "拒绝",
    "skip_invalid": "跳过有误的行",
    "counts": "数量",
    "count": "数量",
    "changed": "变更数",
    "changes": "变更",
    "change": "变更",
    "added": "新增",
    "groups": "受访群体",
    "holders_linked": "关联到机构的专利权人",
    "patents_reattributed": "重新归属区市的专利",
    "snapshots": "指标快照数",
    "as_of": "统计时点",
    "year": "年度",
    "on": "日期",
    "name": "名称",
    "kind": "类型",
    "version": "版本",
    "effective_from": "生效日期",
    "recipients": "收件人",
    "url": "链接",
    "tables": "数据表",
    "mismatches": "不一致",
    "ok": "是否一致",
    "attachment_problems": "附件问题",
    "created_at": "创建时间",
    "amount": "金额",
    "reference": "凭证号",
    "paid_on": "支付日期",
    "grant": "核定奖补",
    "departments": "责任部门",
    "percent_complete": "完成进度（%）",
    "period_code": "报送周期",
    "deleted": "删除",
    "budget_year": "预算年度",
    "score": "评分",
    "opinion": "评审意见",
    "recommended_amount": "建议金额",
    "scored_at": "评分时间",
    "entered_by": "录入人",
    "other_names": "曾用名/别名",
    "horizon": "计算截至",
    "milestones": "节点数",
    "escalations": "督办单数",
    "milestone": "年度节点",
    "since": "起始日期",
    "scores": "得分",
    "item": "一级指标",
    "subitem": "二级指标",
    "id": "编号",
    "demo_key": "演示数据标识",
    "job_id": "后台任务",
    "worker": "执行进程",
    "heartbeat_at": "最近心跳时间",
    "user_agent": "浏览器标识",
    "ip_address": "IP 地址",
    "http_accept": "浏览器接受的内容类型",
    "path_info": "访问路径",
    "attempt_time": "尝试时间",
    "get_data": "查询参数",
    "post_data": "提交的数据",
    "failures_since_start": "失败次数",
    "value": "值",
    "items": "标的",
    "field": "字段",
    "patents": "专利",
    "holder": "专利权人",
    "organisation": "机构",
    "agency": "服务机构",
    "offer": "技术供给",
    "licensor": "许可人/转让人",
    "licensee": "被许可人/受让人",
    "message": "意向说明",
    "text": "内容",
    "licence": "许可/转让记录",
    # support: talents and strong enterprises
    "tag": "认定标签",
    "applied_on": "申报日期",
    "recognised": "认定企业",
    "enterprise": "企业",
    "started_on": "开始辅导日期",
    "outcome": "辅导结果",
    "filed_on": "备案日期",
    "recognised_year": "认定年度",
    "skipped": "跳过（已有）",
}

# Values of keys that are codes but not a model field's choices.
VALUES = {"change": VERBS}

_CJK = re.compile(r"[\u4e00-\u9fff]")

# Shown values of fields that hold another module's codes (a reward item's code → its name): each
# module registers its own at start-up (its AppConfig.ready), core does not import it.
VALUE_DISPLAYS: dict[str, Callable[[Any], str]] = {}


def register_value_display(field_name: str, display: Callable[[Any], str]) -> None:
    VALUE_DISPLAYS[field_name] = display


@functools.cache
def _models_by_name() -> dict[str, type[models.Model]]:
    return {m._meta.model_name: m for m in apps.get_models() if m._meta.model_name}


def _model(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _noun(prefix: str) -> str:
    if prefix in NOUNS:
        return NOUNS[prefix]
    model = _models_by_name().get(prefix)
    return str(model._meta.verbose_name) if model is not None else ""


def _workflow_label(code: str) -> str:
    from ipcity.core.workflow import WORKFLOWS

    for workflow in WORKFLOWS.values():
        prefix = workflow.audit_prefix + "."
        if not code.startswith(prefix):
            continue
        name, _, decision = code[len(prefix) :].partition(".")
        action = workflow.actions.get(name)
        if action is None:
            continue
        if not decision:
            return action.label
        outcome = action.decisions.get(decision)
        if outcome is not None and outcome.label:
            return f"{action.label}：{outcome.label}"
    return ""


def action_label(code: str) -> str:
    """'grant_application.district_review.return' → '区市初审：退回修改'; an unknown code as it is."""
    if code in ACTIONS:
        return ACTIONS[code]
    label = _workflow_label(code)
    if label:
        return label
    prefix, _, verb = code.rpartition(".")
    if verb in VERBS and (noun := _noun(prefix)):
        return f"{VERBS[verb]}{noun}"
    if verb == "update" and prefix.count(".") == 1:  # "<model>.<many-to-many field>.update"
        model_name, field = prefix.split(".")
        model = _models_by_name().get(model_name)
        if model is not None:
            return f"修改{model._meta.verbose_name}的{field_label(model._meta.label_lower, field)}"
    return code


def object_type_label(object_type: str) -> str:
    """'grants.entitlement' → '免申即享事项'."""
    if object_type in OBJECT_TYPES:
        return OBJECT_TYPES[object_type]
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field(object_type: str, name: str) -> models.Field[Any, Any] | None:
    model = _model(object_type)
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _own_label(field: models.Field[Any, Any]) -> str:
    label = str(field.verbose_name)
    if _CJK.search(label):
        return label
    related = field.related_model
    if related is not None and not isinstance(related, str):
        return str(related._meta.verbose_name)
    return ""


@functools.cache
def _fields_by_name() -> dict[str, list[models.Field[Any, Any]]]:
    """Every field of the platform's models by name: for keys of nested values (a survey's groups,
    a recomputation's changes), whose model the event does not name."""
    found: dict[str, list[models.Field[Any, Any]]] = {}
    for model in apps.get_models():
        if model.__module__.startswith("ipcity."):
            for field in model._meta.get_fields():
                if isinstance(field, models.Field) and _own_label(field):
                    found.setdefault(field.name, []).append(field)
    return found


def field_label(object_type: str, name: str) -> str:
    """A changed field of an object of this type: 'paid_on' of 'grants.payment' → '支付日期'. Keys
    that are not its fields: `FIELDS`, else a field of that name elsewhere (when all such fields
    agree on the label), else a model's name (the counts of a load), else as recorded."""
    field = _field(object_type, name)
    if field is not None and _own_label(field):
        return _own_label(field)
    if name in FIELDS:
        return FIELDS[name]
    labels = {_own_label(f) for f in _fields_by_name().get(name, [])}
    if len(labels) == 1:
        return labels.pop()
    if " " in name:  # a load's count of a model's relation: "row departments"
        head, _, tail = name.partition(" ")
        return f"{field_label(object_type, head)}的{field_label(object_type, tail)}"
    model = _models_by_name().get(name)
    return str(model._meta.verbose_name) if model is not None else name


def decision_label(action: str, decision: str) -> str:
    label = _workflow_label(f"{action.rpartition('.')[0]}.{decision}") if "." in action else ""
    return label.partition("：")[2] or decision


def _choice_label(object_type: str, name: str, value: Any) -> str | None:
    field = _field(object_type, name)
    candidates = [field] if field is not None else _fields_by_name().get(name, [])
    for candidate in candidates:
        if candidate.choices:
            choices = dict(candidate.flatchoices)
            if value in choices:
                return str(choices[value])
    return None


def value_text(
    object_type: str, name: str, value: Any, *, action: str = "", memo: dict[Any, str] | None = None
) -> str:
    """A before/after value as read: choices by label, booleans 是/否, lists joined with 、, the
    keys of a dict by their labels. `memo` keeps the registered displays' answers for one page (a
    recomputation's changes name the same colour hundreds of times)."""
    memo = {} if memo is None else memo
    if value is None or value == "":
        return "—"
    if name in VALUE_DISPLAYS:
        key = (name, repr(value))
        if key not in memo:
            memo[key] = VALUE_DISPLAYS[name](value)
        return memo[key]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_text(object_type, name, v, action=action, memo=memo) for v in value) or "—"
    if isinstance(value, dict):
        inner = "；".join(
            f"{field_label(object_type, str(k))}：{value_text(object_type, str(k), v, action=action, memo=memo)}"
            for k, v in value.items()
        )
        return f"（{inner}）"
    if name == "decision" and action:
        return decision_label(action, str(value))
    if name in VALUES and str(value) in VALUES[name]:
        return VALUES[name][str(value)]
    label = _choice_label(object_type, name, value)
    return label if label is not None else str(value)


def action_codes_matching(text: str, codes: list[str]) -> list[str]:
    """The codes whose code or Chinese label contains `text` (the audit log's 操作 filter)."""
    return [c for c in codes if text in c or text in action_label(c)]
