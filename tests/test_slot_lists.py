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
