"""The portal part of the demo data set — SYNTHETIC: a few notices and news items of the city office
(published, one with an attachment; one draft), and the public indicators. Made through the real
services, marked as demo (`is_demo`, shown as 演示); idempotent by title."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ipcity.core.audit import Actor
from ipcity.indicators.models import Indicator
from ipcity.portal import services
from ipcity.portal.models import Notice

DEMO_PDF = (
    b"%PDF-1.4\n% ipcity demo notice attachment - synthetic\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# (kind, title, body, with an attachment, published)
NOTICES = [
    ("notice", "（演示）关于开展2024年度知识产权奖补资金申报工作的通知",
     "各区市市场监管局、各有关单位：\n根据工作方案有关规定，现组织开展2024年度知识产权奖补资金申报工作。申报指南见附件。\n（本通知为演示数据。）",
     True, True),
    ("news", "（演示）我市举办知识产权质押融资银企对接会",
     "市知识产权局联合金融机构举办质押融资银企对接会，现场签约意向金额若干。\n（本动态为演示数据。）", False, True),
    ("notice", "（演示）关于公布知识产权优势企业名单的公示",
     "经企业申报、区市初审和专家评审，拟认定以下企业为知识产权优势企业，现予公示。\n（本公示为演示数据。）", False, True),
    ("notice", "（演示）关于征集知识产权服务需求的通知（草稿）", "草稿内容。（演示数据）", False, False),
]  # fmt: skip

PUBLIC_INDICATORS = [
    "invention_patents_per_10k",
    "hv_invention_patents_per_10k",
    "patent_grants_invention",
    "pct_filings",
    "madrid_registrations",
    "geographical_indications",
]


@transaction.atomic
def load_portal_demo(*, actor: Actor) -> None:
    for kind, title, body, attached, published in NOTICES:
        if Notice.objects.filter(title=title).exists():
            continue
        uploads = [SimpleUploadedFile("（演示）申报指南.pdf", DEMO_PDF)] if attached else []
        notice = services.create_notice(
            kind=kind, title=title, body=body, uploads=uploads, actor=actor, is_demo=True
        )
        if published:
            services.publish_notice(notice, actor=actor)
    if not services.public_indicator_codes():
        known = set(Indicator.objects.values_list("code", flat=True))
        services.set_public_indicators([c for c in PUBLIC_INDICATORS if c in known], actor=actor)
