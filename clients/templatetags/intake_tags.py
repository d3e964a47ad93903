from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


def _joined(errors):
    """`errors|join:" "` as the template wrote it: each message escaped."""
    return " ".join(conditional_escape(error) for error in errors)


@register.simple_tag
def form_field(field):
    """One field of our own forms (intake steps, review, urgent case), written in Python: a
    group of choices as a fieldset with its legend, a checkbox with its label after it,
    anything else as label, errors, input and help. The markup of the template it replaced
    (tests/test_form_field_tag.py compares them), at a fraction of the cost."""
    e = conditional_escape
    errors = field.errors
    if is_choice_group(field):
        out = ['\n<fieldset', ' aria-invalid="true"' if errors else "", f">\n  <legend>{e(field.label)}</legend>\n  "]
        if field.help_text:
            out.append(f'<p class="helptext" id="{e(field.auto_id)}_helptext">{e(field.help_text)}</p>')
        out.append("\n  ")
        if errors:
            out.append('<ul class="errorlist">' + "".join(f"<li>{e(error)}</li>" for error in errors) + "</ul>")
        out.append("\n  ")
        out += [
            f'<div class="choice">{choice.tag()} <label for="{e(choice.id_for_label)}">{e(choice.choice_label)}</label></div>'
            for choice in field
        ]
        out.append("\n</fieldset>\n")
    elif is_checkbox(field):
        out = [f'\n<p class="check-row">{field} <label class="checkbox-label" for="{e(field.id_for_label)}">{e(field.label)}</label>\n  ']
        if errors:
            out.append(f'<span class="errorlist">{_joined(errors)}</span>')
        out.append("</p>\n")
    else:
        out = [f'\n<p>\n  <label for="{e(field.id_for_label)}">{e(field.label)}</label>\n  ']
        if errors:
            out.append(f'<span class="errorlist">{_joined(errors)}</span>')
        out.append(f"\n  {field}\n  ")
        if field.help_text:
            out.append(f'<span class="helptext" id="{e(field.auto_id)}_helptext">{e(field.help_text)}</span>')
        out.append("\n</p>\n")
    out.append("\n")
    return mark_safe("".join(out))
