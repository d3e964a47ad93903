"""A coach's weekly hours written by `{% hours_week %}` are the markup the template loop wrote."""

from datetime import time

import pytest
from django.template import Context, Template

from coaching.hours import hours_by_weekday
from coaching.models import WeeklyHours

from .factories import bookable_coach

pytestmark = pytest.mark.django_db

LOOP = Template("{% load words %}" + '  {% for label, rows in week %}\n  <li class="card">\n    <h2>{{ label }}</h2>\n    {% if rows %}\n    <ul>\n      {% for row in rows %}\n      <li>{{ row.start_time|time_words }} – {{ row.end_time|end_time_words }}\n        <a href="{% url \'coaching:hours_edit\' row.pk %}">Change <span class="visually-hidden">{{ label }} {{ row.start_time|time_words }}</span></a>\n        <form method="post" action="{% url \'coaching:hours_remove\' row.pk %}" class="inline-form">\n          {% csrf_token %}<button type="submit" class="link-button">Remove <span class="visually-hidden">{{ label }} {{ row.start_time|time_words }}</span></button>\n        </form>\n      </li>\n      {% endfor %}\n    </ul>\n    {% else %}<p class="muted">Not working</p>{% endif %}\n  </li>\n  {% endfor %}\n')
TAG = Template("{% load hours_week %}  {% hours_week week %}\n")


@pytest.mark.parametrize("csrf_token", ["abc<&>123", None])
def test_the_tag_writes_what_the_loop_wrote(carol, csrf_token):
    coach, _ = bookable_coach(carol)
    WeeklyHours.objects.filter(coach=coach, weekday=2).delete()
    WeeklyHours.objects.filter(coach=coach, weekday=0).update(end_time=time(12))
    WeeklyHours.objects.create(coach=coach, weekday=0, start_time=time(13, 30), end_time=time(0))
    week = hours_by_weekday(coach)
    context = {"week": week + [("<Someday> & more", [])]}
    if csrf_token:
        context["csrf_token"] = csrf_token
    written = TAG.render(Context(context))
    assert written == LOOP.render(Context(context))
    assert written.count('<li class="card">') == 8 and "Not working" in written and "&lt;Someday&gt;" in written
    assert ("csrfmiddlewaretoken" in written) == bool(csrf_token)
