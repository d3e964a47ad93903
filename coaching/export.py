"""Shared session summaries in "Download my data", and notes in "Delete my account"."""

from accounts.export import iso, register_eraser, register_section

from . import notes


@register_section("shared_summaries", "Summaries your coach shared with you", order=40)
def shared_summaries(user):
    return [
        {
            "booking_id": summary.booking_id,
            "coach": summary.coach_name,
            "signed_at": iso(summary.signed_at),
            **{label.lower().replace(" ", "_"): text for label, text in summary.parts},
            "added_later": [{"at": iso(a.written_at), "text": a.text} for a in summary.addenda],
        }
        for summary in notes.shared_summaries_for_export(user)
    ]


@register_eraser("session_notes", order=20)
def erase_session_notes(user):
    notes.erase_for_client(user)
