"""The public portal as an anonymous visitor: axe-core (vendored from npm, static/vendor/axe-core)
finds no serious or critical accessibility violation on its pages, at desktop and phone widths;
the pages work by keyboard (the skip to the notices, focus visible on links)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.audit import Actor
from ipcity.indicators.models import Indicator
from ipcity.indicators.services import compute_snapshots, load_definitions
from ipcity.portal import services
from ipcity.test import load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLI = Actor.cli("browser test")
PDF = b"%PDF-1.4\n% ipcity test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def portal_data() -> int:
    load_plan_for_tests()
    personas = make_personas()
    office = Actor.web(personas.admin)
    notice = services.create_notice(
        kind="notice",
        title="关于开展2024年度知识产权奖补申报工作的通知",
        body="各区市市场监管局、各有关单位：\n现将有关事项通知如下。",
        uploads=[SimpleUploadedFile("申报指南.pdf", PDF)],
        actor=office,
    )
    services.publish_notice(notice, actor=office)
    load_definitions(actor=CLI)
    chosen = list(Indicator.objects.filter(code__in=["patent_grants_invention", "pct_filings"]))
    compute_snapshots(year=2024, actor=CLI, indicators=chosen)
    services.set_public_indicators([i.code for i in chosen], actor=office)
    return notice.pk


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_portal_pages_have_no_serious_accessibility_violations(page: Any, portal_data: int) -> None:
    paths = ["/", "/notices/", f"/notices/{portal_data}/", "/open-data/"]
    found = {}
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(path)
            violations = axe_violations(page)
            if violations:
                found[f"{path} @{width}px"] = violations
    assert found == {}, found
    page.goto("/")
    assert (
        page.get_by_test_id("home-notices")
        .get_by_role("link", name="关于开展2024年度知识产权奖补申报工作的通知")
        .is_visible()
    )
    assert page.get_by_test_id("home-figures").get_by_text("数据日期").first.is_visible()


def test_keyboard_reaches_a_notice_and_its_attachment(page: Any, portal_data: int) -> None:
    page.goto("/")
    link = page.get_by_role("link", name="关于开展2024年度知识产权奖补申报工作的通知")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement && document.activeElement.textContent.includes('奖补申报工作的通知')"
        ):
            break
    else:
        pytest.fail("the notice link is not reachable by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/notices/{portal_data}/")
    assert page.get_by_role("link", name="申报指南.pdf").is_visible()
    assert link is not None
