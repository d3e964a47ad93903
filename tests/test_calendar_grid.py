"""The coach's week written by `{% calendar_grid %}` is the markup the template loop wrote."""

from datetime import date

from django.template import Context, Template

from coaching.calendar import Day, Entry, place_on_grid

LOOP = Template(
    '{% for row, label in hour_labels %}<span class="hour-label col-1 row-{{ row }} span-2" aria-hidden="true">{{ label }}</span>{% endfor %}\n'
    "  {% for day in days %}\n"
    '  <section class="grid-day{% if day.is_today %} today{% endif %}" aria-labelledby="day-{{ forloop.counter }}">\n'
    '    <h2 id="day-{{ forloop.counter }}" class="col-{{ day.column }} row-1">{{ day.title }}{% if day.is_today %} <span class="badge ok">Today</span>{% endif %}</h2>\n'
    '    <span class="day-lines col-{{ day.column }} row-2 span-{{ grid_rows }}" aria-hidden="true"></span>\n'
    "    {% for entry in day.entries %}\n"
    '    {% if entry.url %}<a href="{{ entry.url }}"{% else %}<p{% endif %} class="block entry {{ entry.kind }} col-{{ day.column }} row-{{ entry.row }} span-{{ entry.span }}">\n'
    '      {% if entry.kind == "session" %}<span class="entry-kind">{{ entry.summary|default:"Session" }}</span>\n'
    '      {% else %}<span class="entry-kind">{% if entry.kind == "hours" %}Working{% else %}Away{% endif %}</span>{% endif %}\n'
    "      {{ entry.label }}\n"
    "    {% if entry.url %}</a>{% else %}</p>{% endif %}\n"
    "    {% empty %}\n"
    '    <p class="muted not-working col-{{ day.column }} row-2 span-2">Not working</p>\n'
    "    {% endfor %}\n"
    "  </section>\n"
    "  {% endfor %}\n"
)
TAG = Template("{% load calendar_grid %}{% calendar_grid hour_labels days grid_rows %}\n")


def test_the_tag_writes_what_the_loop_wrote():
    days = [
        Day(date(2026, 3, 2), "Monday 2 March", False, [
            Entry("hours", "9:00 am – 12:00 pm", start_minute=540, end_minute=720),
            Entry("session", "10:00 am – 10:50 am", "Session with Ali <b> & \"Sam\" (they/them)", "/bookings/7/?a=1&b=2", 600, 650),
            Entry("session", "11:00 am – 11:50 am", "", "", 660, 710),
        ]),
        Day(date(2026, 3, 3), "Tuesday 3 March", True, [Entry("away", "All day", "Time off")]),
        Day(date(2026, 3, 4), "Wednesday <4> March", False, []),
        Day(date(2026, 3, 5), "Thursday 5 March", False, [Entry("away", "1:00 pm – midnight", "Time off", "", 780, 1440)]),
    ]
    for column, day in enumerate(days, 2):
        day.column = column
    hour_labels, grid_rows = place_on_grid(days)
    context = {"hour_labels": hour_labels + [(99, "<late> & more")], "days": days, "grid_rows": grid_rows}
    written = TAG.render(Context(context))
    assert written == LOOP.render(Context(context))
    assert written.count("<section") == 4
    assert "Not working" in written and "&lt;b&gt; &amp; &quot;Sam&quot;" in written
