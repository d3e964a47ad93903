from django import forms, template
from django.utils import timezone

register = template.Library()


@register.filter
def in_words(moment):
    """An instant in the viewer's zone, in words: "Tuesday 3 March, 3:30 pm"."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    return f"{local:%A} {local.day} {local:%B}, {hour}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


@register.filter
def is_choice_group(bound_field):
    """Radio buttons and checkbox lists are a group: a fieldset with a legend."""
    return isinstance(bound_field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not answered")
