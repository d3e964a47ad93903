"""The open times written by `{% slot_items %}` are the markup the template loop wrote."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from coaching.slot_days import SlotLink

LOOP = Template(
    "{% for link in links %}<li>{% if bookable %}<a class=\"slot\" href=\"{{ link.url }}\" aria-label=\"{{ verb|default:'Book' }} "
    "{{ chosen.name }} on {{ link.full_label }}\">{{ link.time_label }}</a>{% else %}<span class=\"slot open-time\""
    "{% if after_review %} aria-describedby=\"after-review\"{% endif %}>{{ link.time_label }}</span>{% endif %}</li>{% endfor %}"
)
TAG = Template("{% load slot_lists %}{% slot_items links chosen verb bookable after_review %}")
LINKS = [
    SlotLink(datetime(2026, 3, 3, 15, 30, tzinfo=UTC), "3:30 pm", "Tuesday 3 March, 3:30 pm", "/bookings/new/?coach=1&type=2&start=2026-03-03T15%3A30%3A00Z"),
    SlotLink(datetime(2026, 3, 3, 16, 30, tzinfo=UTC), "4:30 <pm>", "Tuesday 3 March, \"4:30\" pm", "/x?a=1&b='2'"),
]


@pytest.mark.parametrize("verb", ["Move to", None])
@pytest.mark.parametrize("bookable, after_review", [(True, False), (False, True), (False, False)])
def test_the_tag_writes_what_the_loop_wrote(verb, bookable, after_review):
    context = {"links": LINKS, "chosen": SimpleNamespace(name="One-to-one <session> & more"), "bookable": bookable, "after_review": after_review}
    if verb is not None:
        context["verb"] = verb
    written = TAG.render(Context(context))
    assert written == LOOP.render(Context(context))
    assert written.count("<li>") == 2


def test_a_week_grouped_by_day_names_each_time_as_when_in_words_does():
    from datetime import timedelta
    from urllib.parse import urlencode
    from zoneinfo import ZoneInfo

    from coaching.slot_days import group_by_day, start_param
    from core.wording import clock_in_words, day_in_words, when_in_words

    zone = ZoneInfo("America/New_York")
    # Across the clocks going back (1 November 2026 in New York) and a year's end.
    slots = [datetime(2026, 11, 1, 4, 0, tzinfo=UTC) + timedelta(hours=h) for h in range(0, 60, 7)]
    slots += [datetime(2027, 1, 1, 15, 0, tzinfo=UTC)]
    days = group_by_day(slots, zone, lambda slot: f"/move/?start={start_param(slot).replace(':', '%3A')}")
    links = [link for _title, day_links in days for link in day_links]
    assert [link.starts_at for link in links] == slots
    for link in links:
        local = link.starts_at.astimezone(zone)
        assert (link.full_label, link.time_label) == (when_in_words(local), clock_in_words(local))
        assert link.url == f"/move/?{urlencode({'start': start_param(link.starts_at)})}"
    assert [title for title, _links in days] == [day_in_words(day_links[0].starts_at.astimezone(zone)) for _title, day_links in days]
    assert len(days) == len({slot.astimezone(zone).date() for slot in slots})
