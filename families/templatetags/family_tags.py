from django import template

from families import invitations
from families.models import FamilyLink

register = template.Library()


@register.simple_tag
def link_news(user):
    """Whether this person has any link, offer or request to see (a few cheap queries)."""
    return (
        invitations.offers_for(user).exists()
        or invitations.requests_for(user).exists()
        or FamilyLink.objects.visible_to(user).exists()
    )
