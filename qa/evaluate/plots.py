"""Inline SVG plots for the report (no plotting library, no remote assets)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

COLORS = ("#2b6cb0", "#dd6b20")  # answerable / first series, unanswerable / second series


def histogram_svg(series: Sequence[tuple[str, Sequence[float]]], markers: Sequence[tuple[str, float, str]],
                  bins: int = 20, width: int = 640, height: int = 260) -> str:
    """Side-by-side histogram of scores in [0, 1], one colour per series, with vertical
    marker lines (label, x, dash pattern) such as the abstention threshold."""
    left, right, top, bottom = 40, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    counts = [[0] * bins for _ in series]
    for i, (_, values) in enumerate(series):
        for v in values:
            counts[i][min(int(max(v, 0.0) * bins), bins - 1)] += 1
    peak = max([c for row in counts for c in row] + [1])
    bin_w = plot_w / bins
    bar_w = bin_w / max(len(series), 1)
    parts = [f'<svg width="{width}" height="{height}" role="img">',
             _axes(left, top, plot_w, plot_h)]
    for i, row in enumerate(counts):
        for b, c in enumerate(row):
            if c:
                h = plot_h * c / peak
                x = left + b * bin_w + i * bar_w
                parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                             f'fill="{COLORS[i % 2]}"><title>{c}</title></rect>')
    for tick in range(0, 11, 2):
        x = left + plot_w * tick / 10
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 15}" font-size="11" text-anchor="middle">{tick / 10:.1f}</text>')
    parts.append(f'<text x="{left - 5}" y="{top + 4}" font-size="11" text-anchor="end">{peak}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 5}" font-size="12" text-anchor="middle">confidence</text>')
    for j, (label, x_value, dash) in enumerate(markers):
        x = left + plot_w * min(max(x_value, 0.0), 1.0)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#c53030" '
                     f'stroke-width="2" stroke-dasharray="{dash}"/>')
        parts.append(f'<text x="{x + 4:.1f}" y="{top + 12 + 13 * j}" font-size="11" fill="#c53030">{escape(label)}</text>')
    parts.append(_legend([name for name, _ in series], left, 16))
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], width: int = 760) -> str:
    """Horizontal grouped bars of values in [0, 1] (e.g. recall per section), value printed."""
    label_w, row_h, top = 330, 8 + 14 * len(series), 28
    plot_w = width - label_w - 50
    height = top + row_h * len(labels) + 10
    parts = [f'<svg width="{width}" height="{height}" role="img">',
             _legend([name for name, _ in series], label_w, 16)]
    for r, label in enumerate(labels):
        y = top + r * row_h
        short = label if len(label) <= 50 else label[:49] + "\u2026"
        parts.append(f'<text x="{label_w - 6}" y="{y + row_h / 2 + 4:.1f}" font-size="11" text-anchor="end">'
                     f'<title>{escape(label)}</title>{escape(short)}</text>')
        for i, (_, values) in enumerate(series):
            v = values[r]
            w = plot_w * max(min(v, 1.0), 0.0)
            yy = y + 4 + 14 * i
            parts.append(f'<rect x="{label_w}" y="{yy}" width="{w:.1f}" height="12" fill="{COLORS[i % 2]}"/>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{yy + 10}" font-size="10">{v:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _axes(left: float, top: float, w: float, h: float) -> str:
    return (f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#444"/>'
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#444"/>')


def _legend(names: Sequence[str], x: float, y: float) -> str:
    parts = []
    for i, name in enumerate(names):
        xx = x + 170 * i
        parts.append(f'<rect x="{xx}" y="{y - 10}" width="12" height="12" fill="{COLORS[i % 2]}"/>'
                     f'<text x="{xx + 16}" y="{y}" font-size="12">{escape(name)}</text>')
    return "".join(parts)
