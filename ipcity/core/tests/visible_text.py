"""What a user reads on a page, and the English codes that must not be in it (docs/architecture.md,
"Everything a user reads is Chinese").

Visible text is the text of the page's elements except `<script>`, `<style>` and `<textarea>` (a
textarea holds the user's own text being edited, like an input's value), plus the attributes a user
reads or hears: `title`, `placeholder`, `aria-label`, `alt`, and the `value` of buttons. The
`<title>` (the browser tab) counts. Chart data (JSON for ECharts) and Excel downloads are not read
here.

The crawl starts from every page without parameters and follows each link and htmx `hx-get` on the
pages it reads, at most `PER_ROUTE` addresses per URL pattern, so every detail page is reached with
real objects the persona may see.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
HIDDEN_ELEMENTS = {"script", "style", "textarea"}

# Not a Latin letter, digit or underscore: Python's \b treats CJK as word characters.
_B = r"(?<![A-Za-z0-9_])"
_E = r"(?![A-Za-z0-9_])"
OFFENCES: dict[str, re.Pattern[str]] = {
    "snake_case 标识符": re.compile(_B + r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+" + _E),
    "点分代码": re.compile(_B + r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+" + _E),
    "文件名或路径": re.compile(
        r"[\w.-]*\.(?:py|ya?ml|md|json|toml|sh|cfg|ini|env|html|js)" + _E + r"|[\w.-]+(?:/[\w.-]+)+\.\w+",
        re.IGNORECASE,
    ),
    "命令": re.compile(_B + r"(?:make|ipcity|manage\.py|python3?|pip|pytest)\s+-*[a-z]+" + _E),
    "未格式化的数字": re.compile(r"(?<![\d,.])\d{5,}(?:\.\d+)?\s*(?:元|万元|人次|人|件|家|项)"),
    # Any other Latin word with a lower-case letter (yellow, completion, None, pending, …).
    "英文单词": re.compile(_B + r"[A-Za-z]*[a-z][A-Za-z]*" + _E),
}
# Shown on purpose and removed before the check: web and e-mail addresses, and the names of files a
# user chose (an uploaded attachment, an imported workbook).
ALLOWED = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[^\s/\\:：，,（）()]+\.(?:xlsx|xls|csv|pdf|docx|doc|zip|jpe?g|png)" + _E,
    re.IGNORECASE,
)
# Names, not words: the product, office formats and file types people know by these names.
ALLOWED_WORDS = frozenset({"ipcity", "Excel", "Word", "WPS", "xlsx", "docx", "pdf", "csv", "zip"})


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            self.parts.append(str(values["value"]))
        for name in ("href", "hx-get"):
            if values.get(name):
                self.links.append(str(values[name]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN_ELEMENTS:
            self._hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> tuple[str, list[str]]:
    """The page's visible text (one line per text node or read attribute) and its links."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts), parser.links


def offences(text: str, allowed: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(kind, the offending text) for each English code, word or raw number in the text; `allowed`
    are further words shown on purpose (login names, the keys of the rule text)."""
    text = ALLOWED.sub(" ", text)
    words = ALLOWED_WORDS | set(allowed)
    found = []
    for kind, pattern in OFFENCES.items():
        for match in pattern.finditer(text):
            if match.group(0) not in words:
                found.append((kind, match.group(0)))
    return found


# --- the crawl -------------------------------------------------------------------------------------

PER_ROUTE = 3
NOT_PAGES = ("/static/", "/admin/", "/media/")


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # url -> route name, for pages read (200 HTML)
    texts: dict[str, str] = field(default_factory=dict)  # url -> visible text
    seen: dict[str, int] = field(default_factory=dict)  # route name -> addresses requested
    downloads: set[str] = field(default_factory=set)  # route names answered with a file (not HTML)


def parameterless_routes(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(route name, URL) of every URL pattern without path parameters, Django's admin left out."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from parameterless_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and not p.pattern.converters:
            yield f"{namespace}{p.name}", "/" + prefix + str(p.pattern)


@functools.lru_cache(maxsize=4096)
def route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, start: Iterable[str], per_route: int = PER_ROUTE) -> Crawl:
    result = Crawl()
    queue = deque(start)
    requested: set[str] = set()
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(NOT_PAGES):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url in requested:
            continue
        name = route_name(parts.path)
        if name is None or result.seen.get(name, 0) >= per_route:
            continue
        requested.add(url)
        result.seen[name] = result.seen.get(name, 0) + 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            result.downloads.add(name)
            continue
        text, links = visible_text(response.content.decode())
        result.pages[url] = name
        result.texts[url] = text
        queue.extend(links)
    return result
