from django import template

from families import invitations

register = template.Library()


@register.simple_tag
def link_news(user):
    """Whether this person has any link, offer or request to see (one prepared statement)."""
    return invitations.has_news(user)
