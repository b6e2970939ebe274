"""The CJK font the white paper's charts and PDF use: Noto Sans/Serif CJK from Debian's
fonts-noto-cjk, installed by the set-up (scripts/ensure-report-deps.sh), never fetched at run time."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

# Where Debian's fonts-noto-cjk puts its files (bookworm and trixie), then fontconfig's answer.
CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
FONTCONFIG_NAMES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
MISSING = (
    "缺少中文字体：白皮书的图表和 PDF 需要 Debian 软件包 fonts-noto-cjk（思源/Noto CJK 字体）。"
    "请运行 scripts/ensure-report-deps.sh，或由管理员执行 apt-get install fonts-noto-cjk。"
)


class FontMissing(Exception):
    """The CJK font is not installed; the message says how to install it."""


def _fontconfig_match(name: str) -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "--format=%{file}", f"{name}:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(found) if found else None
    # fontconfig answers with its best fallback when the font is missing: accept only a CJK file.
    if path is not None and path.is_file() and "CJK" in path.name:
        return path
    return None


@functools.cache
def cjk_font_path() -> Path:
    """The file of a Simplified Chinese sans-serif face; FontMissing when none is installed."""
    for path in CANDIDATES:
        if path.is_file():
            return path
    for name in FONTCONFIG_NAMES:
        matched = _fontconfig_match(name)
        if matched is not None:
            return matched
    raise FontMissing(MISSING)
