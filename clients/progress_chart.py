"""A week-by-week bar chart as plain SVG geometry, drawn by our own template.

No third-party script and no inline style (the CSP forbids both): the template writes
`<rect>`, `<line>` and `<text>` elements with classes that site.css colours. Colour is
never the only signal: every bar carries its number, and the goal line its label.
"""

from dataclasses import dataclass

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
