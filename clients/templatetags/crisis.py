from django import template
from django.conf import settings

from clients.crisis import lines_for_zone

register = template.Library()


def _zone_name(context):
    zone = getattr(context.get("request"), "zone", None)
    return getattr(zone, "key", "") or ""


@register.simple_tag(takes_context=True)
def crisis_help(context):
    """The crisis lines of the viewer's country (from their zone): `{% crisis_help as help %}`."""
    return lines_for_zone(_zone_name(context))


@register.inclusion_tag("clients/_crisis_lines.html", takes_context=True)
def crisis_lines(context):
    return {"help": lines_for_zone(_zone_name(context))}


@register.simple_tag
def urgent_reply_within():
    return settings.URGENT_REPLY_WITHIN


@register.simple_tag
def urgent_draft_wait():
    """How long a draft with a "yes" waits before the admins are told, in words."""
    hours = settings.URGENT_DRAFT_HOURS
    return "a day" if hours == 24 else f"{hours} hour{'' if hours == 1 else 's'}"
