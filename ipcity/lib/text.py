"""Text clean-up for imported data: full-width characters, stray spaces, multi-valued cells.

Exports from Chinese search systems mix full-width and half-width forms ("ＣＮ２０２２…", "A61K  31/00",
"（芝罘）" vs "(芝罘)") and put several values in one cell separated by ";", "；" or "|". Three levels:

- `clean_text`: free text (titles, abstracts). Chinese punctuation is kept (a "，" in an abstract is
  correct), full-width letters/digits become ASCII, whitespace runs become one space.
- `clean_name`: names of organisations and people: as clean_text, and brackets become the Chinese
  full-width brackets company names are registered with.
- `name_key`: the matching key for names (no spaces, one bracket form, case-folded).
- `fold`: identifiers and codes: NFKC, no spaces, upper case.
"""

from __future__ import annotations

import re
import unicodedata

# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic space.
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp - 0xFEE0).isalnum()}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_SEPARATORS = re.compile(r"[;；|｜]")
# Anything clean_text would change: full-width ASCII forms, invisible characters, whitespace other than
# single inner spaces. Most cells of an export are already clean; one search decides.
_DIRTY = re.compile(
    "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u200b\u200c\u200d\u2060\ufeff\u00ad\t\n\r\x0b\x0c\u3000\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\x1c-\x1f\x85]|  |^ | $|^'[=+\\-@＝＋－＠]"
)
# A leading "'" before a formula character is the spreadsheet's "this is text" mark (lib.excel.csv_text
# writes it into CSV files, Excel users type it): not part of the value.
_FORMULA_ESCAPE = re.compile("^'(?=[=+\\-@\t\r\n＝＋－＠])")
_NAME_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）"})
_BRACKETS = re.compile(r"[()\[\]【】（）]")
_BRACKET_SPACES = re.compile(r"\s*([（）])\s*")
_KEY_DROP = re.compile(r"[\s\u3000\u00a0·•.,，、。'\"“”‘’\-—_]+")


def clean_text(value: object) -> str:
    """Strip, fold full-width letters/digits to ASCII, collapse whitespace, drop invisible characters."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not _DIRTY.search(text):
        return text
    text = _FORMULA_ESCAPE.sub("", text, count=1).translate(_INVISIBLE).translate(_FULLWIDTH_ALNUM)
    return _SPACES.sub(" ", text).strip()


def clean_name(value: object) -> str:
    """A name as it should be stored: clean text with Chinese full-width brackets."""
    text = clean_text(value)
    if _BRACKETS.search(text):
        text = _BRACKET_SPACES.sub(r"\1", text.translate(_NAME_BRACKETS))
    return text


def name_key(value: object) -> str:
    """The key two spellings of one name share: '烟台 海岳(集团)有限公司' == '烟台海岳（集团）有限公司'."""
    text = unicodedata.normalize("NFKC", clean_text(value)).translate(_NAME_BRACKETS)
    return _KEY_DROP.sub("", text).casefold()


def fold(value: object) -> str:
    """Identifiers and codes: NFKC (full-width to ASCII), no whitespace, upper case."""
    if value is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)).upper()


def split_values(value: object) -> list[str]:
    """Split a multi-valued cell on ';', '；', '|', '｜'; clean each part and drop empty ones."""
    if value is None:
        return []
    parts = (clean_text(part) for part in _SEPARATORS.split(str(value)))
    return [part for part in parts if part]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def shorten(value: object, limit: int) -> str:
    """At most `limit` characters: a longer text is cut, with "…" and its full length, for messages
    that quote a value (an imported cell may hold a million characters)."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(text)} 个字符）"
