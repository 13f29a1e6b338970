"""Charts as inline SVG, drawn on the server: no script and nothing from the network.

``bar_chart`` draws labelled horizontal bars (long labels such as ISIC titles
stay readable); ``line_chart`` draws one or more series over the same points
(months). Every text is escaped, so a label typed by a user cannot inject markup.
Each chart carries ``role="img"``, a title and a description, and the pages show
the same figures as a table beside it for those who cannot see the chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["Series", "bar_chart", "line_chart"]

BAR_COLOUR = "#0b6e69"
SERIES_COLOURS = ("#0b6e69", "#d9822b", "#4b5868")
TEXT_COLOUR = "#1c2430"
GRID_COLOUR = "#dde3ea"
LABEL_CHARS = 34


@dataclass
class Series:
    name: str
    values: Sequence[float]


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value))


def _open_svg(width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        # No style attribute (the CSP allows none): site.css's .chart shrinks it to fit.
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
    ]


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    value_suffix: str = "",
    max_value: float | None = None,
    width: int = 640,
) -> SafeString:
    """Horizontal bars, one per (label, value), in the order given."""
    if not items:
        return mark_safe("")  # noqa: S308  # nosec B308  # a constant
    row, label_width, pad = 26, 250, 8
    plot_width = width - label_width - 70
    top = max_value if max_value else max((v for _, v in items), default=0) or 1
    height = row * len(items) + 2 * pad
    description = "; ".join(f"{label}: {_number(v)}{value_suffix}" for label, v in items)
    parts = _open_svg(width, height, title, description)
    for i, (label, value) in enumerate(items):
        y = pad + i * row
        bar = max(0.0, min(1.0, value / top)) * plot_width
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(_short(label))}<title>{escape(label)}</title></text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{bar:.1f}" height="{row - 8}" '
            f'rx="3" fill="{BAR_COLOUR}"></rect>'
        )
        parts.append(
            f'<text x="{label_width + bar + 6:.1f}" y="{y + 17}" font-size="12" '
            f'fill="{TEXT_COLOUR}">{escape(_number(value))}{escape(value_suffix)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308  # every text is escaped


def line_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, width: int = 640
) -> SafeString:
    """Lines over shared points (months): one polyline and dots per series, with a legend."""
    if not labels or not series:
        return mark_safe("")  # noqa: S308  # nosec B308  # a constant
    height, left, right, top_pad, bottom = 260, 44, 16, 30, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    peak = max((max(s.values, default=0) for s in series), default=0)
    top = max(1, int(peak) if float(peak).is_integer() else int(peak) + 1)
    step = plot_w / max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + i * step if len(labels) > 1 else left + plot_w / 2

    def y(value: float) -> float:
        return top_pad + plot_h - (value / top) * plot_h

    description = "; ".join(
        f"{s.name}: "
        + ", ".join(f"{label} {_number(v)}" for label, v in zip(labels, s.values, strict=True))
        for s in series
    )
    parts = _open_svg(width, height, title, description)
    for tick in sorted({0, top // 2, top}):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID_COLOUR}"></line>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT_COLOUR}">{tick}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
    for n, s in enumerate(series):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        parts.append(
            f'<polyline class="series" data-series="{escape(s.name)}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5" points="{points}"></polyline>'
        )
        for i, v in enumerate(s.values):
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(s.name)}, {escape(labels[i])}: {escape(_number(v))}</title>"
                "</circle>"
            )
        legend_x = left + n * 170
        parts.append(
            f'<rect x="{legend_x}" y="8" width="14" height="4" fill="{colour}"></rect>'
            f'<text x="{legend_x + 20}" y="14" font-size="12" fill="{TEXT_COLOUR}">'
            f"{escape(s.name)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308  # every text is escaped
