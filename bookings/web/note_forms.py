from django import forms

from ..models import NOTE_SECTIONS, SHARED_PARTS, NoteFormat

HELP = {
    "data": "What happened and what was said.",
    "subjective": "What the client told you, in their words.",
    "objective": "What you observed.",
    "assessment": "Your understanding of where things stand.",
    "plan": "What you agreed and what happens next.",
    "summary": "The client reads this once you sign.",
    "homework": "The client reads this once you sign.",
    "next_steps": "The client reads this once you sign.",
}


class SessionNoteForm(forms.Form):
    """The fields of one format's private sections, and the shared part."""

    def __init__(self, *args, note_format=NoteFormat.DAP, **kwargs):
        super().__init__(*args, **kwargs)
        self.note_format = NoteFormat(note_format)
        for key, label in NOTE_SECTIONS[self.note_format]:
            self.fields[f"private_{key}"] = forms.CharField(
                label=f"{label} (private)", required=False, max_length=20000, help_text=HELP[key],
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        for key, label in SHARED_PARTS:
            self.fields[key] = forms.CharField(
                label=f"{label} (shared with the client)", required=False, max_length=5000, help_text=HELP[key],
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def changes(self):
        data = self.cleaned_data
        return {
            "format": self.note_format,
            "private": {key: data[f"private_{key}"] for key, _ in NOTE_SECTIONS[self.note_format]},
            **{key: data[key] for key, _ in SHARED_PARTS},
        }

    @classmethod
    def initial_from(cls, view):
        if view is None:
            return {}
        return {**{f"private_{key}": text for key, _, text in view.sections}, **{key: text for key, _, text in view.shared}}


class AddendumForm(forms.Form):
    text = forms.CharField(label="Addendum", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    shared_with_client = forms.BooleanField(label="Share this addendum with the client", required=False)
