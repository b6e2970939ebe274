"""Chinese text as words, for matching and full-text search (jieba segmentation).

Two modes, because a document and a query are cut differently on purpose:

- `document_terms(text)`: jieba's search mode — the precise words and, for long words, the shorter
  dictionary words inside them ("锂离子" gives "离子" and "锂离子"), so a document is found by a part of
  a compound as well as by the whole;
- `query_terms(text)`: the precise mode, the fewest words that cover the query; each of them is, in
  the usual case, among the document's search-mode terms when the phrase occurs in the document.

Terms are lower-case; punctuation, whitespace, single Chinese characters and a short list of function
words (data/market/stopwords.txt) are dropped: they say nothing about a technology.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

STOPWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "market" / "stopwords.txt"

# A term worth indexing: two or more letters/digits/CJK characters, not only digits.
_TERM = re.compile(r"^[0-9a-z\u3400-\u9fff]+$")
_DIGITS = re.compile(r"^\d+$")
_lock = threading.Lock()


@cache
def _jieba() -> Any:
    # Loading the dictionary takes about a second, once per process; the lock keeps two threads
    # (a web worker's) from building it twice.
    with _lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba


@cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _keep(words: Iterable[str]) -> list[str]:
    stop = stopwords()
    kept = []
    for word in words:
        term = word.strip().lower()
        if len(term) > 1 and _TERM.match(term) and not _DIGITS.match(term) and term not in stop:
            kept.append(term)
    return kept


def document_terms(text: str) -> list[str]:
    """The terms of a document, in order, repeated as often as they occur (term frequency counts)."""
    if not text:
        return []
    return _keep(_jieba().lcut_for_search(text))


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, in order."""
    if not text:
        return []
    return list(dict.fromkeys(_keep(_jieba().lcut(text, HMM=False))))
