"""`{% form_field %}` writes what templates/clients/_field.html wrote (kept below as the
reference): every kind of field, unbound, filled in and refused, escaping included."""

import pytest
from django import forms
from django.template import Context, Engine

from accounts.models import User
from clients.forms import AboutForm, ApproveForm, DeclineForm, FollowUpForm, ReviewMessageForm
from clients.templatetags.intake_tags import form_field

REFERENCE = '{% load intake_tags %}{% if field|is_choice_group %}\n<fieldset{% if field.errors %} aria-invalid="true"{% endif %}>\n  <legend>{{ field.label }}</legend>\n  {% if field.help_text %}<p class="helptext" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}\n  {% if field.errors %}<ul class="errorlist">{% for error in field.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}\n  {% for choice in field %}<div class="choice">{{ choice.tag }} <label for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}\n</fieldset>\n{% elif field|is_checkbox %}\n<p class="check-row">{{ field }} <label class="checkbox-label" for="{{ field.id_for_label }}">{{ field.label }}</label>\n  {% if field.errors %}<span class="errorlist">{{ field.errors|join:" " }}</span>{% endif %}</p>\n{% else %}\n<p>\n  <label for="{{ field.id_for_label }}">{{ field.label }}</label>\n  {% if field.errors %}<span class="errorlist">{{ field.errors|join:" " }}</span>{% endif %}\n  {{ field }}\n  {% if field.help_text %}<span class="helptext" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</span>{% endif %}\n</p>\n{% endif %}\n'
ENGINE = Engine(libraries={"intake_tags": "clients.templatetags.intake_tags"})


class EveryKind(forms.Form):
    name = forms.CharField(label="Your <name> & more", help_text="As <b>you</b> like & it", max_length=5)
    words = forms.CharField(widget=forms.Textarea, required=False)
    mood = forms.ChoiceField(choices=[("1", "Low <1>"), ("2", "Okay & fine")], widget=forms.RadioSelect, help_text="Pick <one>")
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B & c")], widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="I <agree>")
    kind = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)


@pytest.mark.parametrize("data", [None, {"name": "Ali <b>", "mood": "2", "many": ["a"], "agree": "on", "words": "a & b"}, {"name": "far too long", "mood": "9"}])
def test_the_tag_writes_what_the_template_wrote(data):
    form = EveryKind(data)
    if data is not None:
        form.is_valid()
    reference = ENGINE.from_string(REFERENCE)
    for field in form:
        assert form_field(field) == reference.render(Context({"field": field})), field.name


@pytest.mark.django_db
def test_our_own_forms_too(carol, dave):
    reference = ENGINE.from_string(REFERENCE)
    coaches = User.objects.filter(pk__in=[carol.pk, dave.pk])
    for data in (None, {}):
        made = [
            ApproveForm(data, coach_choices=coaches), DeclineForm(data), FollowUpForm(data), ReviewMessageForm(data),
            AboutForm(data, intake=None),
        ]
        for form in made:
            if data is not None:
                form.is_valid()
            for field in form:
                assert form_field(field) == reference.render(Context({"field": field})), (type(form).__name__, field.name)
