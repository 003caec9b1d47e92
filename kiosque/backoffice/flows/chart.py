"""A small grouped bar chart drawn as inline SVG on the server (no script, no style
attribute: colours come from CSS classes, so the strict CSP holds)."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 36
MARGIN_BOTTOM = 40
MARGIN_TOP = 12


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    values: list[int]


def _scale(maximum: int) -> int:
    return max(1, maximum)


def bar_chart(labels: list[str], series: list[Series], *, title: str) -> str:
    """An accessible SVG (role img + title); the same figures are also given as a table."""
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    plot_width = WIDTH - MARGIN_LEFT - 8
    top = _scale(max((v for s in series for v in s.values), default=0))
    group_width = plot_width / max(1, len(labels))
    bar_width = max(2.0, (group_width - 6) / max(1, len(series)))
    bars = []
    for index, _label in enumerate(labels):
        for position, serie in enumerate(series):
            value = serie.values[index]
            height = plot_height * value / top
            x = MARGIN_LEFT + index * group_width + 3 + position * bar_width
            y = MARGIN_TOP + plot_height - height
            bars.append(
                (
                    serie.css_class,
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{bar_width - 1:.1f}",
                    f"{height:.1f}",
                    f"{serie.name} {labels[index]} : {value}",
                )
            )
    ticks = [
        (
            f"{MARGIN_LEFT + index * group_width + group_width / 2:.1f}",
            HEIGHT - MARGIN_BOTTOM + 16,
            label,
        )
        for index, label in enumerate(labels)
    ]
    axis_y = MARGIN_TOP + plot_height
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title" '
        'xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{title}</title>'
        '<line class="chart__axis" x1="{ml}" y1="{ay}" x2="{w}" y2="{ay}"/>'
        '<text class="chart__label" x="2" y="{ty}">{top}</text>'
        '<text class="chart__label" x="2" y="{ay}">0</text>'
        "{bars}{ticks}{legend}</svg>",
        w=WIDTH,
        h=HEIGHT,
        title=title,
        ml=MARGIN_LEFT,
        ay=axis_y,
        ty=MARGIN_TOP + 10,
        top=top,
        bars=format_html_join(
            "",
            '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}">'
            "<title>{}</title></rect>",
            bars,
        ),
        ticks=format_html_join(
            "",
            '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
            ticks,
        ),
        legend=format_html_join(
            "",
            '<rect class="chart__bar {}" x="{}" y="{}" width="10" height="10"/>'
            '<text class="chart__label" x="{}" y="{}">{}</text>',
            (
                (
                    s.css_class,
                    MARGIN_LEFT + i * 160,
                    HEIGHT - 14,
                    MARGIN_LEFT + i * 160 + 14,
                    HEIGHT - 5,
                    s.name,
                )
                for i, s in enumerate(series)
            ),
        ),
    )
