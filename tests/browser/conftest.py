"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), no browser download."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("IPCITY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation of the page to the test (init scripts run in the
# page whatever its policy).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__ipcityCspViolation(
    e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber
  );
});
"""


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A page whose test fails if any page it showed broke the Content-Security-Policy."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url)
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    context.expose_function("__ipcityCspViolation", report)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", lambda msg: report(msg.text) if "Content Security Policy" in msg.text else None)
    page.set_default_timeout(15000)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
