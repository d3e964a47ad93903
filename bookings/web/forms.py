from decimal import Decimal

from django import forms


class CoachCancelForm(forms.Form):
    reason = forms.CharField(
        label="A few words for your client (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent with our apology. Keep it general: e-mail is not private.",
    )


class CancelAllForm(CoachCancelForm):
    """The same few words, sent with every cancellation an admin makes for one client."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "A few words for the client (optional)"
        self.fields["reason"].help_text = "Sent in each cancellation e-mail. Keep it general: e-mail is not private."


class RescheduleForm(forms.Form):
    start = forms.ChoiceField(label="New time", widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = slots


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to refund", min_value=Decimal("0.01"), max_digits=9, decimal_places=2
    )
    reason = forms.CharField(label="Reason (for the records)", max_length=300)

    def __init__(self, *args, refundable_cents=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_cents = refundable_cents
        self.fields["amount"].help_text = f"At most {refundable_cents / 100:.2f} can still be refunded."
        if not self.is_bound:
            self.initial.setdefault("amount", Decimal(refundable_cents) / 100)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        cents = int(amount * 100)
        if cents > self.refundable_cents:
            raise forms.ValidationError(f"At most {self.refundable_cents / 100:.2f} can still be refunded.")
        return cents
