from django import forms, template

from core.encryption import reveal

register = template.Library()


@register.filter
def is_choice_group(bound_field):
    """Radio buttons and checkbox lists are a group: a fieldset with a legend."""
    return isinstance(bound_field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(reveal(value), "Not answered")
