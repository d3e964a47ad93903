"""`{% hours_week week %}`: a coach's weekly hours as the hours page lists them, a card a day.

Each range is drawn with two links and a form (its own button and CSRF field), and the
template loop cost more than the rest of the page; this writes the same markup in Python,
escaped as the template escaped it (tests/test_hours_week.py compares the two).
"""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from core.templatetags.words import clock, end_time_words

register = template.Library()


def _csrf_input(context):
    """What {% csrf_token %} writes."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def hours_week(context, week):
    e = conditional_escape
    csrf = _csrf_input(context)
    # Reversed once, then each row's id put in: the same URLs without a reverse per row.
    edit, remove = reverse("coaching:hours_edit", args=[0]), reverse("coaching:hours_remove", args=[0])
    edit_at, remove_at = edit.rindex("/0/"), remove.rindex("/0/")
    parts = []
    for label, rows in week:
        label = e(label)
        parts.append(f'\n  <li class="card">\n    <h2>{label}</h2>\n    ')
        if rows:
            parts.append("\n    <ul>\n      ")
            for row in rows:
                start = e(clock(row.start_time))
                edit_url = f"{edit[:edit_at]}/{row.pk}/{edit[edit_at + 3:]}"
                remove_url = f"{remove[:remove_at]}/{row.pk}/{remove[remove_at + 3:]}"
                parts.append(
                    f"\n      <li>{start} – {e(end_time_words(row.end_time))}"
                    f'\n        <a href="{e(edit_url)}">Change <span class="visually-hidden">{label} {start}</span></a>'
                    f'\n        <form method="post" action="{e(remove_url)}" class="inline-form">'
                    f'\n          {csrf}<button type="submit" class="link-button">Remove <span class="visually-hidden">{label} {start}</span></button>'
                    "\n        </form>\n      </li>\n      "
                )
            parts.append("\n    </ul>\n    ")
        else:
            parts.append('<p class="muted">Not working</p>')
        parts.append("\n  </li>\n  ")
    return mark_safe("".join(parts))
