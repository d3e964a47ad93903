"""Forms written out by Python instead of Django's form templates, to the same bytes.

Django renders a form through a template for the form, one for each field's group, one
for each label and one for each widget and each of its options: a check-in of six fields
is some forty template renders, a few milliseconds of a page that has little else to do.
`FormRenderer` writes the markup of Django's own templates (django/forms/templates,
Django 5.2: div.html, p.html, field.html, label.html, the error list and the input, textarea,
select, radio and checkbox widgets) in Python, escaping as they do, from the same contexts Django
builds, so escaping, attributes, ids and `aria-describedby` stay Django's. Any other
template (a widget we do not write, a project override) is rendered the usual way.
tests/test_form_rendering.py renders forms of every kind both ways and compares them.

A form opts in with `default_renderer = FORM_RENDERER`.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _text(value):
    """What `{{ value }}` prints: localized, then escaped unless already safe."""
    if not isinstance(value, str):
        value = localize(value)
    return conditional_escape(value)


def _attrs(attrs):
    """django/forms/attrs.html and widgets/attrs.html: ` name="value"`, a bare ` name` for
    True, nothing for False."""
    out = []
    for name, value in (attrs or {}).items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{escape("%s" % value)}"')
    return "".join(out)


def _input(widget):
    """widgets/input.html, without its closing newline."""
    value = "" if widget["value"] is None else f' value="{escape("%s" % widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _input_option(option):
    """widgets/input_option.html, with its closing newline (it is included)."""
    if not option.get("wrap_label"):
        return _input(option) + "\n\n"
    label_for = f' for="{_text(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
    return f'<label{label_for}>{_input(option)}\n {_text(option["label"])}</label>\n'


def _multiple_input(widget):
    """widgets/multiple_input.html (radio and checkbox lists), with its closing newline."""
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{_text(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{_text(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            # radio_option.html and checkbox_option.html include input_option.html and a newline.
            out.append(f"<div>\n    {_input_option(option)}\n</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _select(widget):
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            out.append(f'\n  <option value="{escape("%s" % option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(widget):
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _error_list(context):
    """errors/list/default.html (ul.html)."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = f' id="{_text(errors.field_id)}_error"' if getattr(errors, "field_id", None) else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{field_id}>{items}</ul>'


def _label(context):
    """label.html: a field's <label> or <legend>."""
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f'<{tag}{_attrs(context["attrs"])}>{_text(context["label"])}</{tag}>'


def _field(context):
    """field.html: a field's label (or fieldset and legend), help text, errors and widget."""
    field = context["field"]
    out = []
    if field.use_fieldset:
        describedby = f' aria-describedby="{_text(field.aria_describedby)}"' if field.aria_describedby else ""
        out.append(f"\n  <fieldset{describedby}>\n  {field.legend_tag() if field.label else ''}\n")
    else:
        out.append(f"\n  {field.label_tag() if field.label else ''}\n")
    out.append("\n")
    if field.help_text:
        help_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        out.append(f'<div class="helptext"{help_id}>{field.help_text}</div>')
    out.append(f"\n{field.errors}\n{field}")
    if field.use_fieldset:
        out.append("</fieldset>")
    return "".join(out)


def _whole_form(context, tag, opening, closing):
    """div.html and p.html: the form's own errors, then each field in a `tag` (`opening(field,
    errors, class_attr)` writes up to its last field, `closing` ends it), hidden fields last."""
    errors, fields, hidden = context["errors"], context["fields"], context["hidden_fields"]
    hidden_html = "".join(str(field) for field in hidden)
    out = [f"{errors}\n"]
    if errors and not fields:
        out.append(f"\n  <{tag}>{hidden_html}</{tag}>\n")
    out.append("\n")
    for index, (field, field_errors) in enumerate(fields):
        classes = field.css_classes()
        out.append(opening(field, field_errors, f' class="{_text(classes)}"' if classes else ""))
        if index == len(fields) - 1:
            out.append(f"\n      {hidden_html}\n    ")
        out.append(closing)
    out.append("\n")
    if not fields and not errors:
        out.append(f"\n  {hidden_html}\n")
    return "".join(out)


def _div_field(field, _errors, class_attr):
    return f"\n  <div{class_attr}>\n    {field.as_field_group()}\n    "


def _p_field(field, errors, class_attr):
    label = field.label_tag() if field.label else ""
    out = f"\n  {errors}\n  <p{class_attr}>\n    {label}\n    {field}\n    "
    if field.help_text:
        help_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        out += f'\n      <span class="helptext"{help_id}>{field.help_text}</span>\n    '
    return out + "\n    "


def _form(context):
    """div.html: each field's group in a <div>."""
    return _whole_form(context, "div", _div_field, "\n</div>\n")


def _p_form(context):
    """p.html (`form.as_p`, which allauth's pages use): each field's errors, then a <p> with
    its label, input and help."""
    return _whole_form(context, "p", _p_field, "\n  </p>\n")


def _widget(write):
    return lambda context: write(context["widget"])


WIDGET = "django/forms/widgets/"
WRITERS = {
    "django/forms/div.html": _form,
    "django/forms/p.html": _p_form,
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
    **{f"{WIDGET}{kind}.html": _widget(_input) for kind in (
        "input", "text", "number", "email", "url", "password", "date", "datetime", "time", "checkbox", "search", "tel", "color", "hidden",
    )},
    f"{WIDGET}textarea.html": _widget(_textarea),
    f"{WIDGET}select.html": _widget(_select),
    f"{WIDGET}radio.html": _widget(_multiple_input),
    f"{WIDGET}checkbox_select.html": _widget(_multiple_input),
    # A choice's own tag ({{ choice.tag }} in a template that lays out the choices itself).
    f"{WIDGET}radio_option.html": _widget(_input_option),
    f"{WIDGET}checkbox_option.html": _widget(_input_option),
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return mark_safe(write(context).strip())


FORM_RENDERER = FormRenderer()
