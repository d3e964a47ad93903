"""`{% calendar_grid hour_labels days grid_rows %}`: the coach's week as the time grid's cells.

A week holds a few dozen cells, each drawn through the template language with half a
dozen tags, and the loop cost more than the rest of the calendar page; this writes the
same markup in Python, escaped as the template escaped it (tests/test_calendar_grid.py
compares the two).
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

KIND_WORDS = {"hours": "Working"}


def _entry(entry, column):
    e = conditional_escape
    opening = f'<a href="{e(entry.url)}"' if entry.url else "<p"
    if entry.kind == "session":
        kind = f'<span class="entry-kind">{e(entry.summary or "Session")}</span>\n      '
    else:
        kind = f'<span class="entry-kind">{KIND_WORDS.get(entry.kind, "Away")}</span>'
    return (
        f'\n    {opening} class="block entry {e(entry.kind)} col-{column} row-{entry.row} span-{entry.span}">'
        f"\n      {kind}\n      {e(entry.label)}\n    {'</a>' if entry.url else '</p>'}\n    "
    )


@register.simple_tag
def calendar_grid(hour_labels, days, grid_rows):
    e = conditional_escape
    parts = [f'<span class="hour-label col-1 row-{row} span-2" aria-hidden="true">{e(label)}</span>' for row, label in hour_labels]
    parts.append("\n  ")
    for number, day in enumerate(days, 1):
        column = day.column
        today = " today" if day.is_today else ""
        badge = ' <span class="badge ok">Today</span>' if day.is_today else ""
        parts.append(
            f'\n  <section class="grid-day{today}" aria-labelledby="day-{number}">'
            f'\n    <h2 id="day-{number}" class="col-{column} row-1">{e(day.title)}{badge}</h2>'
            f'\n    <span class="day-lines col-{column} row-2 span-{grid_rows}" aria-hidden="true"></span>\n    '
        )
        if day.entries:
            parts += [_entry(entry, column) for entry in day.entries]
        else:
            parts.append(f'\n    <p class="muted not-working col-{column} row-2 span-2">Not working</p>\n    ')
        parts.append("\n  </section>\n  ")
    return mark_safe("".join(parts))
