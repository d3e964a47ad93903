"""A week-by-week bar chart as plain SVG, with the same numbers as a table.

No third-party script and no inline style (the CSP forbids both): `figure()` writes
`<rect>`, `<line>` and `<text>` elements with classes that site.css colours. Colour is
never the only signal: every bar carries its number, and the goal line its label.
The markup is written here rather than by a template: a dozen weeks of bars are a few
hundred numbers, and printing each through the template engine cost more than the rest
of the page. Every word in it is escaped (`format_html`, or `html.escape` for the many small values).
"""

import html
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import mark_safe

WIDTH = 420
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 28, 62, 20, 40
Y_MAX = 7  # every goal counts days in a week


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    value_x: float
    value_y: float
    show_label: bool
    reached: bool


def _y(value):
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - value / Y_MAX), 1)


def short_date(day):
    return f"{day.day} {day:%b}"


def goal_days(target):
    """The goal line's words: the days a week that fit the goal, never a bare number that
    reads as drinks ("At most 2 drinks a day" is met on every day, not "7")."""
    if target >= Y_MAX:
        return "every day"
    return f"{target} day{'' if target == 1 else 's'}"


def weekly_chart(results):
    """Geometry for the bars of `results` (WeekResults, oldest first) and the goal line."""
    count = max(len(results), 1)
    slot = (WIDTH - LEFT - RIGHT) / count
    bar_width = round(min(slot * 0.6, 48), 1)
    every = 1 if count <= 6 else 2
    bars = []
    for index, result in enumerate(results):
        x = round(LEFT + slot * index + (slot - bar_width) / 2, 1)
        top = _y(result.days_met)
        bars.append(
            Bar(
                x=x,
                y=top,
                width=bar_width,
                height=round(_y(0) - top, 1),
                value=result.days_met,
                label=short_date(result.starts),
                value_x=round(x + bar_width / 2, 1),
                value_y=round(top - 4, 1),
                show_label=(count - 1 - index) % every == 0,
                reached=result.reached,
            )
        )
    target = results[0].target if results else Y_MAX
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "axis_left": LEFT,
        "axis_right": WIDTH - RIGHT,
        "baseline": _y(0),
        "top": _y(Y_MAX),
        "label_y": _y(0) + 18,
        "goal_y": _y(target),
        "goal_label_y": _y(target) + 4,
        "goal_label_x": WIDTH - RIGHT + 6,
        "target": target,
        "goal_days": goal_days(target),
        "y_max": Y_MAX,
        "y_max_y": _y(Y_MAX) + 4,
        "zero_y": _y(0) + 4,
        "tick_x": LEFT - 6,
    }


def _html(value):
    """A cell's value in the page: SafeStrings (a note with its line breaks) as they are,
    anything else escaped (with the standard library, as Django's escape does, without its
    check for lazy text: these are many small values)."""
    return str(value) if hasattr(value, "__html__") else html.escape(str(value))


def table_rows(rows, *, indent=""):
    """`<tr>` rows of a header cell then data cells, from tuples of cell values. With
    `indent`, each cell on its own line. For tables of many small values, written here for
    the reason above."""
    start, line, end = (f"\n{indent}", f"\n{indent}  ", f"\n{indent}") if indent else ("", "", "")
    return mark_safe(
        "".join(
            f'{start}<tr>{line}<th scope="row">{_html(header)}</th>{"".join(f"{line}<td>{_html(cell)}</td>" for cell in cells)}{end}</tr>'
            for header, *cells in rows
        )
    )


def _bar(bar, label_y):
    """One week's bar and its number (and its date, every other week when there are many).
    Numbers are ours; the date label is escaped."""
    markup = (
        f'\n      <rect class="chart-bar{" reached" if bar.reached else ""}" x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}"/>'
        f'\n      <text class="chart-value" x="{bar.value_x}" y="{bar.value_y}" text-anchor="middle">{bar.value}</text>'
    )
    if bar.show_label:
        markup += f'\n      <text class="chart-label" x="{bar.value_x}" y="{label_y}" text-anchor="middle">{html.escape(bar.label)}</text>'
    return markup


def figure(results, *, description, key):
    """One goal's weeks (`results`, oldest first) as SVG bars with the goal line, and the
    same numbers as a table. `key` makes the figure's ids unique on its page."""
    chart = weekly_chart(results)
    weeks_said = "".join(f"Week of {week.starts.day} {week.starts:%B}: {week.days_met}. " for week in results)
    a_week = " a week" if chart["target"] < chart["y_max"] else ""
    bars = mark_safe("".join(_bar(bar, chart["label_y"]) for bar in chart["bars"]))
    rows = table_rows((f"{week.starts:%A} {week.starts.day} {week.starts:%B}", week.days_met, week.days_logged, week.target) for week in results)
    return format_html(
        """<figure class="progress-chart">
  <svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-{key}-title chart-{key}-desc" class="chart" focusable="false">
    <title id="chart-{key}-title">{description}: days per week</title>
    <desc id="chart-{key}-desc">{weeks_said}Goal: {goal_days}{a_week}.</desc>
    <line class="chart-axis" x1="{axis_left}" y1="{baseline}" x2="{axis_right}" y2="{baseline}"/>
    <text class="chart-tick" x="{tick_x}" y="{zero_y}" text-anchor="end">0</text>
    <text class="chart-tick" x="{tick_x}" y="{y_max_y}" text-anchor="end">{y_max}</text>{bars}
    <line class="chart-goal" x1="{axis_left}" y1="{goal_y}" x2="{axis_right}" y2="{goal_y}"/>
    <text class="chart-goal-label" x="{goal_label_x}" y="{goal_label_y}"><tspan x="{goal_label_x}">goal:</tspan><tspan x="{goal_label_x}" dy="1.1em">{goal_days}</tspan></text>
  </svg>
  <figcaption>Days each week that fit this goal (bars), and the goal (dashed line).</figcaption>
  <details>
    <summary>The same numbers as a table</summary>
    <div class="table-scroll" tabindex="0" role="region" aria-label="{description}, week by week">
      <table>
        <caption class="visually-hidden">{description}, week by week</caption>
        <thead><tr><th scope="col">Week of</th><th scope="col">Days that fit the goal</th><th scope="col">Days checked in</th><th scope="col">Days the goal asks for</th></tr></thead>
        <tbody>{rows}</tbody>
      </table>
    </div>
  </details>
</figure>""",
        key=key, description=description, weeks_said=weeks_said, a_week=a_week, bars=bars, rows=rows,
        **{name: chart[name] for name in (
            "width", "height", "goal_days", "axis_left", "baseline", "axis_right", "tick_x", "zero_y", "y_max_y", "y_max",
            "goal_y", "goal_label_x", "goal_label_y",
        )},
    )
