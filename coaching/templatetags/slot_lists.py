"""`{% slot_items links chosen verb bookable after_review %}`: one day's open times as <li>s.

A week can hold a hundred open times, and each drawn through the template language cost
more than the rest of the page; this writes the same markup in Python, escaped as the
template escaped it (tests/test_slot_lists.py compares the two).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def slot_items(links, chosen, verb, bookable, after_review):
    # The links' parts are plain strings (never marked safe): the standard library's escape
    # gives what the template's autoescape gives them, without Django's wrappers per call.
    e = escape
    if bookable:
        prefix = e(f"{verb or 'Book'} {chosen.name} on ")
        items = (
            f'<li><a class="slot" href="{e(link.url)}" aria-label="{prefix}{e(link.full_label)}">{e(link.time_label)}</a></li>'
            for link in links
        )
    else:
        described = ' aria-describedby="after-review"' if after_review else ""
        items = (f'<li><span class="slot open-time"{described}>{e(link.time_label)}</span></li>' for link in links)
    return mark_safe("".join(items))
