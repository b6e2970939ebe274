"""Everything a user reads is Chinese, and numbers read as people say them: every page of every URL
pattern, for every persona, over the demo data set (docs/architecture.md, "What users read").

The demo is loaded once for this module (a small registry), in a transaction rolled back at the
end. Each persona's pages are crawled (core/tests/visible_text.py); the visible text of each page
must hold no snake_case identifier, dotted code, file name or path, command, raw five-digit amount
and no English word — except the allow-lists: addresses, file names users chose, office formats,
login names, and on the rules page the names of the rule text (supervision.rules.RULE_KEYS).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver

from ipcity.accounts.backends import published_demo_password
from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.core.tests.test_bad_input import _real_values, _routes, _url
from ipcity.core.tests.visible_text import crawl, offences, parameterless_routes, visible_text
from ipcity.registry.importers.profiles import all_profiles, latin_words
from ipcity.supervision.rules import RULE_KEYS

# The demo's accounts for the personas of ipcity.test.Personas and the anonymous visitor, with the
# addresses read per URL pattern: the city office sees every record, so it reads the most; the
# second persona of a role differs from the first in scope, not in the pages' text.
PERSONAS = {
    "admin": 3,
    "district-zhifu": 2,
    "district-laishan": 1,
    "liaison-finance": 2,
    "liaison-court": 1,
    "enterprise-haiyue": 2,
    "enterprise-lanjing": 1,
    "agency-zhiqiao": 2,
    None: 1,
}
# Shown on purpose on one page: the names of the rule text, which the office types there; the demo
# accounts' published password on the login page of a demo site; the export tools' own names,
# headers and wordings (incoPat, an English layout's "Legal Status" and "Active") on the import
# formats page and in the upload page's format select.
_SOURCE_WORDS = latin_words(all_profiles())
PAGE_WORDS = {
    "registry:sources": _SOURCE_WORDS,
    "registry:imports": _SOURCE_WORDS,
    "supervision:rules": {key for keys in RULE_KEYS.values() for key, _meaning in keys},
    "accounts:login": set(re.findall(r"[A-Za-z]+", published_demo_password())),
    # The HTTP header another system sends with a token, as it must be typed (docs/api.md).
    "api_tokens:list": {"Authorization", "Bearer"},
}


def _fewer_milestones(specs: Any) -> Any:
    """The supervision demo's milestones of its key projects only (escalations among them), for
    two districts: every kind of supervision page, in a tenth of the time."""
    from ipcity.supervision import demo

    def chosen(*args: Any) -> list[Any]:
        return [
            s
            for s in specs(*args)
            if s.row.code in demo.KEY_ROWS and s.values.get("region") in (None, *demo_regions())
        ]

    return chosen


def demo_regions() -> list[Any]:
    from ipcity.core.models import Region

    return list(Region.objects.filter(name__in=["芝罘区", "莱山区"]))


# URL patterns the crawl cannot reach in the demo data, and why they hold no page text of their own.
NOT_READ = {
    "registry:import_rejects": "the CSV of an import's rejected rows (the demo's imports reject none)",
    "supervision:report_attachment": "a report's attached file",
    "core:job_status": "the live part of core:job (the same view and template), polled while a job runs",
    "portal:notice_edit": "the edit form of a draft notice: portal/notice_form.html, read as portal:notice_new",
}
# The JSON API (ipcity/api): JSON for token holders, not pages; its Chinese messages are checked in
# api/tests, its interactive docs (api:openapi-view) are read here.
NOT_READ |= {
    f"api:{name}": "a JSON endpoint of the API (token holders only)"
    for name in (
        "plan", "indicators", "indicator_values", "patents", "organisations", "job", "policy_items",
        "flags", "milestones", "ledger", "api-root", "registry_import", "policy_evaluate", "report",
        "trademarks", "geographical_indications", "pledges", "licences", "offers", "needs",
    )
} | {"api_not_found": "the JSON 404 of an unknown address under /api/"}  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Path]:
    """The demo data set, once for the module, rolled back after it; yields its media directory."""
    from ipcity.demo.services import load_full_demo
    from ipcity.supervision import demo as supervision_demo

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            IPCITY_JOB_PROGRESS_DB="default",
            MEDIA_ROOT=media,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        mock.patch.object(supervision_demo, "_specs", _fewer_milestones(supervision_demo._specs)),
        transaction.atomic(),
    ):
        # A small registry: with this seed each demo enterprise holds a patent in force, so the
        # market demo lists its offers (a draft among them) and their pages are read.
        load_full_demo(actor=Actor.cli("载入演示数据"), patents=200, seed=11)
        yield media
        transaction.set_rollback(True)


def _client(username: str | None) -> Client:
    client = Client()
    if username is not None:
        client.force_login(User.objects.get(username=username))
    return client


def _login_words() -> set[str]:
    return {
        w for name in User.objects.values_list("username", flat=True) for w in re.findall(r"[A-Za-z]+", name)
    }


@pytest.mark.django_db
def test_every_page_reads_in_chinese_for_every_persona(demo, settings) -> None:
    settings.MEDIA_ROOT = demo  # where the demo's attachments are
    # A background job, so that its pages are read too.
    started = _client("admin").post("/grants/entitlements/detect/", {"year": "2024"})
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    logins = _login_words()
    # Every page without parameters, and the tabs a page keeps behind a parameter.
    start = [url for _name, url in parameterless_routes()] + ["/supervision/rules/?kind=assessment"]
    reached: set[str] = set()
    found: dict[tuple[str, str, str], list[str]] = {}
    for persona, per_route in PERSONAS.items():
        result = crawl(_client(persona), start, per_route)
        reached |= set(result.pages.values()) | result.downloads
        for url, text in result.texts.items():
            name = result.pages[url]
            for kind, offence in offences(text, logins | PAGE_WORDS.get(name, set())):
                found.setdefault((name, kind, offence), []).append(f"{persona or '匿名'} {url}")
    report = [
        f"{name} {kind} “{offence}”：{'、'.join(where[:2])}" for (name, kind, offence), where in found.items()
    ]
    assert not report, "页面中有英文代码或未格式化的数字：\n" + "\n".join(sorted(report))

    # Every URL pattern was read by some persona, or is not a page: a file, or a change (POST only).
    admin = _client("admin")
    unread = []
    for route in _routes(get_resolver().url_patterns):
        if route.name in reached or route.name in NOT_READ:
            continue
        status = admin.get(_url(route, _real_values(route, {}))).status_code
        if status != 405:
            unread.append(f"{route.name} ({status})")
    assert not unread, f"these pages were not reached by any persona: {unread}"


def test_the_check_finds_what_it_must() -> None:
    html = """<html><head><title>审计日志 · 平台</title><script>var user_id = 1;</script></head><body>
      <p>操作：user.login</p><p title="grant_application.submit">悬停</p>
      <p>completion 60 分，yellow 每次扣 1 分</p><p>请运行 make run，或编辑 data/calendar/cn-workdays.yaml</p>
      <p>来源：DOMAIN.md</p><p>目标 100000000.00 元，常住人口 6824000 人</p><p>剩余 None 个工作日</p>
      <textarea>effective_from: 2024-01-01</textarea><input type="submit" value="save_all">
      <p>专利号 CN202310000001.X · 统一社会信用代码 91370602MADEM0001X · IPC H01M 10/052</p>
      <p>联系 czj@example.cn，见 https://www.cnipa.gov.cn/a_b.html；附件 拨付文件.pdf、patents.csv</p>
      <p>导出 Excel · liaison-finance</p></body></html>"""
    text, _links = visible_text(html)
    assert "user_id" not in text and "effective_from" not in text  # script and textarea are not read
    found = {offence for _kind, offence in offences(text, {"liaison", "finance"})}
    assert found >= {
        "user.login",
        "grant_application.submit",
        "completion",
        "yellow",
        "make run",
        "data/calendar/cn-workdays.yaml",
        "DOMAIN.md",
        "100000000.00 元",
        "6824000 人",
        "None",
        "save_all",
    }
    for shown_on_purpose in (
        "CN202310000001",
        "MADEM0001X",
        "H01M",
        "czj",
        "cnipa",
        "patents",
        "Excel",
        "liaison",
    ):
        assert not any(shown_on_purpose in offence for offence in found), (shown_on_purpose, found)
