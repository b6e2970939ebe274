"""The white paper's charts: matplotlib with the Agg backend (no display), labelled in Chinese with
the CJK font of `fonts`. Each chart is a PNG (bytes) embedded in both the PDF and the Word file."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from ipcity.reports.fonts import cjk_font_path

FLAG_COLOURS = {"red": "#dc3545", "yellow": "#e0a800", "blue": "#0d6efd"}
SERIES_COLOURS = ("#9aa5b1", "#1f4e79")  # last year grey, this year dark blue


def _font() -> font_manager.FontProperties:
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path))


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str,
) -> bytes:
    """Bars per category (the caption is the document's, not the image's) for each series (e.g. two years side by side); a missing value is left out."""
    font = _font()
    figure, axes = plt.subplots(figsize=(7.2, 3.6))
    width = 0.8 / max(1, len(series))
    for index, (label, values) in enumerate(series):
        xs = [i + index * width for i, v in enumerate(values) if v is not None]
        ys = [v for v in values if v is not None]
        axes.bar(xs, ys, width=width, label=label, color=SERIES_COLOURS[index % len(SERIES_COLOURS)])
    axes.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(categories))])
    axes.set_xticklabels(categories, fontproperties=font, rotation=45, ha="right", fontsize=8)
    axes.set_ylabel(unit, fontproperties=font)
    axes.legend(prop=font, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def flag_lines(months: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]]) -> bytes:
    """Counts per month for each flag colour: (colour code, label, counts)."""
    font = _font()
    figure, axes = plt.subplots(figsize=(7.2, 3.2))
    for code, label, counts in series:
        axes.plot(months, counts, marker="o", label=f"{label}牌", color=FLAG_COLOURS.get(code, "#555555"))
    axes.set_xticks(range(len(months)))
    axes.set_xticklabels(months, fontproperties=font, rotation=45, ha="right", fontsize=8)
    axes.set_ylabel("节点数", fontproperties=font)
    axes.legend(prop=font, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)
