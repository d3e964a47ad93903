"""The one time-zone picker: a short list, and a box to type any other zone.

The list holds the person's own zone and any the page suggests (the coach's), then the
common zones. The box below it takes any city, country or zone typed, and wins when
filled in. As the person starts typing, static/js/site.js fetches every zone (`names`,
one list for everyone that browsers keep a day) into the box's <datalist>: the 20 KB of
names are not in every page that has the picker. Without JavaScript both still post as a
plain form, and what was typed is read on the server (core.zones.find_zone).

It is drawn in Python rather than through Django's widget templates: a page draws it on
every request, and the full list of zones, the same for everyone, is built once per
process.
"""

from functools import lru_cache

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core import zones

SEARCH_SUFFIX = "_search"


@lru_cache(maxsize=1)
def names_html():
    """Every zone as the box's <option>s: what `names` answers."""
    return str(format_html_join("", '<option value="{}">{}</option>', ((zones.label(z), c) for z, c in zones.places().items())))


@require_GET
def names(request):
    """Every zone a person may pick, for the picker's box (see the module's docstring): the
    same for everyone, nothing personal, so browsers may keep it."""
    response = HttpResponse(names_html(), content_type="text/html; charset=utf-8")
    patch_cache_control(response, public=True, max_age=86400)
    return response


@lru_cache(maxsize=1)
def _common_options():
    # Never selected: the chosen zone is always shown first, under "Suggested".
    return {zone: str(format_html('<option value="{}">{}</option>', zone, zones.label(zone))) for zone in zones.COMMON}


@lru_cache(maxsize=1)
def _names_url():
    return reverse("accounts:zone_names")


def _option(value, text, selected):
    return format_html('<option value="{}"{}>{}</option>', value, mark_safe(" selected") if selected else "", text)


class ZonePicker(forms.Widget):
    def __init__(self, attrs=None, blank_label=None, search_label="Not in the list? Type a city, country or zone"):
        super().__init__(attrs)
        self.blank_label = blank_label
        self.search_label = search_label
        # (zone, why it is suggested), set per form: the viewer's zone, the coach's.
        self.suggested = []

    def value_from_datadict(self, data, files, name):
        typed = (data.get(name + SEARCH_SUFFIX) or "").strip()
        return typed or data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + SEARCH_SUFFIX not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        select_id = attrs.get("id") or f"id_{name}"
        attrs["id"] = select_id
        chosen = zones.find_zone(value) if value else None
        typed = value if value and chosen is None else ""
        suggested = []
        for zone, why in self.suggested:
            zone = zones.find_zone(zone)
            if zone and zone not in (z for z, _ in suggested):
                suggested.append((zone, why))
        if chosen and chosen not in (z for z, _ in suggested):
            suggested.insert(0, (chosen, ""))
        shown = {z for z, _ in suggested}
        common = [z for z in zones.COMMON if z not in shown]

        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        if self.blank_label is not None:
            parts.append(_option("", self.blank_label, not chosen))
        if suggested:
            parts.append('<optgroup label="Suggested">')
            parts += [_option(z, f"{zones.label(z)} ({why})" if why else zones.label(z), z == chosen) for z, why in suggested]
            parts.append("</optgroup>")
        parts.append('<optgroup label="Common zones">')
        options = _common_options()
        parts += [options[z] for z in common]
        parts.append("</optgroup></select>")
        search_id = select_id + SEARCH_SUFFIX
        list_id = select_id + "_names"
        parts.append(
            format_html(
                '<span class="zone-search"><label for="{}">{}</label>'
                '<input type="text" name="{}" id="{}" value="{}" list="{}" autocomplete="off" spellcheck="false"'
                ' data-zone-names="{}"></span><datalist id="{}"></datalist>',
                search_id, self.search_label, name + SEARCH_SUFFIX, search_id, typed, list_id, _names_url(), list_id,
            )
        )
        return mark_safe("".join(str(part) for part in parts))


class ZoneField(forms.Field):
    widget = ZonePicker
    default_error_messages = {
        "unknown": "We do not know the time zone “%(value)s”. Type a city near you, such as Lisbon, or pick one from the list.",
    }

    def __init__(self, *, blank_label=None, **kwargs):
        kwargs.setdefault("widget", ZonePicker(blank_label=blank_label))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return ""
        zone = zones.find_zone(text)
        if zone is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": text[:64]})
        return zone

    def suggest(self, *pairs):
        """Put these (zone, why) pairs at the top of the list."""
        self.widget.suggested = [(z, why) for z, why in pairs if z]

