"""`{{ value|revealed }}`: the plain value of a sealed field that may be None (an answer
not given). For one that is never None, `{{ value.reveal }}` says the same."""

from django import template

from core.encryption import reveal

register = template.Library()


@register.filter
def revealed(value):
    return reveal(value)
