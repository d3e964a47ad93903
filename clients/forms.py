"""The intake's forms. Each step's form can be saved as a draft (`draft=True`: nothing is
required yet, but what is given must be valid) or to complete the step."""


from django import forms

from accounts.zone_picker import ZoneField
from core.encryption import reveal

from . import consents, scoring
from .models import IntakeGoal, Substance, Treatment

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no_to_bool(value):
    return {"yes": True, "no": False}.get(value)


def bool_to_yes_no(value):
    return {True: "yes", False: "no"}.get(value)


class StepForm(forms.Form):
    def __init__(self, *args, intake, draft=False, **kwargs):
        self.intake = intake
        self.draft = draft
        super().__init__(*args, **kwargs)
        if draft:
            for field in self.fields.values():
                field.required = False


class AboutForm(StepForm):
    preferred_name = forms.CharField(label="What would you like us to call you?", max_length=80)
    pronouns = forms.CharField(label="Pronouns (optional)", max_length=40, required=False, help_text="For example she/her, he/him, they/them.")
    time_zone = ZoneField(label="Your time zone", blank_label="Choose your time zone", help_text="Session times are shown in this zone.")
    language = forms.CharField(label="Language you would like to be coached in", max_length=40, initial="English")
    phone = forms.CharField(label="Phone (optional)", max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    emergency_contact = forms.CharField(
        label="Emergency contact (optional)",
        max_length=160,
        required=False,
        help_text="A name and phone number we may call only if we believe you are in danger.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_name"].widget.attrs["autocomplete"] = "nickname"

    @classmethod
    def initial_from(cls, intake):
        return {
            "preferred_name": reveal(intake.preferred_name) or intake.client.name,
            "pronouns": reveal(intake.pronouns),
            # One setting: the account's zone, which the coach page's picker changes too.
            "time_zone": intake.client.time_zone or reveal(intake.time_zone),
            "language": reveal(intake.language) or "English",
            "phone": reveal(intake.phone),
            "emergency_contact": reveal(intake.emergency_contact),
        }

    def apply(self, intake):
        for name in ["preferred_name", "pronouns", "time_zone", "language", "phone", "emergency_contact"]:
            if name in self.cleaned_data:
                setattr(intake, name, self.cleaned_data[name] or "")
        client = intake.client
        # The account keeps the zone (one setting) and a copy of the name and pronouns
        # that staff pages show (no intake read needed there).
        client.time_zone = reveal(intake.time_zone) or client.time_zone
        client.preferred_name = reveal(intake.preferred_name) or None
        client.pronouns = reveal(intake.pronouns) or None
        client.save(update_fields=["time_zone", "preferred_name", "pronouns"])


class ReasonsForm(StepForm):
    substances = forms.MultipleChoiceField(
        label="What would you like to talk about? Choose all that fit.",
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    substance_other = forms.CharField(label="If something else, what?", max_length=120, required=False)
    treatment = forms.ChoiceField(
        label="Are you on medication-assisted treatment at the moment?", choices=Treatment.choices, widget=forms.RadioSelect
    )
    treatment_other = forms.CharField(label="If something else, which?", max_length=120, required=False)
    goal = forms.ChoiceField(label="What would you like to work toward?", choices=IntakeGoal.choices, widget=forms.RadioSelect,
                             help_text="Every one of these is a real goal, and you can change it at any time.")
    goal_in_own_words = forms.CharField(
        label="In your own words (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything you would like your coach to know about what you want.",
    )

    @classmethod
    def initial_from(cls, intake):
        return {
            name: reveal(getattr(intake, name))
            for name in ["substances", "substance_other", "treatment", "treatment_other", "goal", "goal_in_own_words"]
        }

    def clean(self):
        data = super().clean()
        if not self.draft:
            if Substance.OTHER in (data.get("substances") or []) and not data.get("substance_other", "").strip():
                self.add_error("substance_other", "Please tell us what else, in a word or two.")
            if data.get("treatment") == Treatment.OTHER and not data.get("treatment_other", "").strip():
                self.add_error("treatment_other", "Please tell us which medication.")
        return data

    def apply(self, intake):
        data = self.cleaned_data
        intake.substances = [value for value, _ in Substance.choices if value in (data.get("substances") or [])]
        for name in ["substance_other", "treatment", "treatment_other", "goal", "goal_in_own_words"]:
            setattr(intake, name, data.get(name) or "")


class ScreeningForm(StepForm):
    """AUDIT-C when alcohol was chosen, DAST-10 when any other substance was, and the readiness ruler."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        intake = self.intake
        fields = {}
        if intake.asks_audit_c:
            fields["sex"] = forms.ChoiceField(
                label="Your sex (optional)",
                choices=[(choice.value, choice.label) for choice in scoring.Sex],
                required=False,
                widget=forms.RadioSelect,
                help_text="Used only to read the drinking questions by their published guide.",
            )
            for number, (question, options) in enumerate(scoring.AUDIT_C_ITEMS, start=1):
                fields[f"audit_{number}"] = forms.TypedChoiceField(
                    label=question, choices=list(enumerate(options)), coerce=int, widget=forms.RadioSelect
                )
        if intake.asks_dast:
            for number, question in enumerate(scoring.DAST_10_ITEMS, start=1):
                fields[f"dast_{number}"] = forms.ChoiceField(label=question, choices=YES_NO, widget=forms.RadioSelect)
        fields["importance"] = forms.IntegerField(
            label="How important is this change to you right now?",
            min_value=scoring.RULER_MIN,
            max_value=scoring.RULER_MAX,
            help_text="0 is not at all important, 10 is the most important thing.",
        )
        fields["confidence"] = forms.IntegerField(
            label="How confident are you that you could make this change?",
            min_value=scoring.RULER_MIN,
            max_value=scoring.RULER_MAX,
            help_text="0 is not at all confident, 10 is completely confident.",
        )
        for name, field in fields.items():
            if self.draft or name == "sex":
                field.required = False
            self.fields[name] = field

    @property
    def audit_fields(self):
        return [self[name] for name in self.fields if name.startswith("audit_")]

    @property
    def dast_fields(self):
        return [self[name] for name in self.fields if name.startswith("dast_")]

    @classmethod
    def initial_from(cls, intake):
        initial = {name: reveal(getattr(intake, name)) for name in ["sex", "importance", "confidence"]}
        for number, answer in enumerate(reveal(intake.audit_c_answers) or [], start=1):
            initial[f"audit_{number}"] = answer
        for number, answer in enumerate(reveal(intake.dast_answers) or [], start=1):
            initial[f"dast_{number}"] = bool_to_yes_no(answer)
        return initial

    def apply(self, intake):
        """Store the answers given; a draft may leave some out, and scores wait until a screen is complete."""
        data = self.cleaned_data

        def answers(prefix, count, convert):
            given = [data.get(f"{prefix}_{n}") for n in range(1, count + 1)]
            given = [None if answer in (None, "") else convert(answer) for answer in given]
            return given if any(answer is not None for answer in given) else None

        intake.sex = data.get("sex") or ""
        if intake.asks_audit_c:
            intake.audit_c_answers = answers("audit", len(scoring.AUDIT_C_ITEMS), int)
        if intake.asks_dast:
            intake.dast_answers = answers("dast", len(scoring.DAST_10_ITEMS), yes_no_to_bool)
        intake.importance = data.get("importance")
        intake.confidence = data.get("confidence")


class SafetyForm(StepForm):
    thoughts_of_self_harm = forms.ChoiceField(
        label="In the past two weeks, have you had thoughts that you would be better off dead or of hurting yourself?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"data-crisis-trigger": "yes"}),
    )
    overdose_past_year = forms.ChoiceField(
        label="In the past year, have you had an overdose, or been revived by someone?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    @classmethod
    def initial_from(cls, intake):
        return {
            "thoughts_of_self_harm": bool_to_yes_no(reveal(intake.thoughts_of_self_harm)),
            "overdose_past_year": bool_to_yes_no(reveal(intake.overdose_past_year)),
        }

    def apply(self, intake):
        for name in ["thoughts_of_self_harm", "overdose_past_year"]:
            value = yes_no_to_bool(self.cleaned_data.get(name))
            if value is not None:
                setattr(intake, name, value)


class ConsentsForm(StepForm):
    """One "I agree" box per consent still to sign, and the client's typed name as signature."""

    consent_documents = consents.DOCUMENTS

    signed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=150,
        help_text="Typing your name here is your signature on the agreements you ticked above.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed = consents.current(self.intake.client, self.consent_documents)
        self.to_sign = [d for d in self.consent_documents if consents.needs_signature(self.signed[d.kind], d)]
        for document in self.to_sign:
            self.fields[f"agree_{document.kind}"] = forms.BooleanField(
                label=f"I have read and agree to \u201c{document.title}\u201d" if document.required
                else f"I agree to share my intake as described in \u201c{document.title}\u201d (optional)",
                required=document.required and not self.draft,
            )
        if not self.to_sign or self.draft:
            self.fields["signed_name"].required = False

    @classmethod
    def initial_from(cls, intake):
        return {"signed_name": intake.client.name}

    def documents(self):
        """Each consent with its agreement box (or its existing signature)."""
        return [
            {
                "document": document,
                "signature": None if document in self.to_sign else self.signed[document.kind],
                "field": self[f"agree_{document.kind}"] if document in self.to_sign else None,
            }
            for document in self.consent_documents
        ]

    def agreed(self):
        return [d for d in self.to_sign if self.cleaned_data.get(f"agree_{d.kind}")]

    def clean(self):
        data = super().clean()
        if self.agreed() and not (data.get("signed_name") or "").strip():
            self.add_error("signed_name", "Please type your name to sign.")
        return data

    def apply(self, intake):
        """Consents are signed by `sign_consents`, not stored on the intake."""


FORMS = {
    "about": AboutForm,
    "reasons": ReasonsForm,
    "screening": ScreeningForm,
    "safety": SafetyForm,
    "consents": ConsentsForm,
}


class ReviewMessageForm(forms.Form):
    message = forms.CharField(label="Message to the client", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class DeclineForm(forms.Form):
    message = forms.CharField(
        label="A personal note to the client (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text="They will also see the list of other services below.",
    )


class ApproveForm(forms.Form):
    coaches = forms.ModelMultipleChoiceField(
        label="Coaches to match", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one coach."},
    )

    def __init__(self, *args, coach_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = coach_choices




class FollowUpForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='For example "Called, left a voicemail". Kept sealed, and only admins read it.',
    )
