"""The agreements a family member signs: the two every client signs, and one about coaching
that concerns someone who is not in the room."""

from clients import consents
from clients.models import Consent

FAMILY_COACHING = consents.ConsentDocument(
    kind=Consent.Kind.FAMILY_COACHING,
    version="2026-11",
    title="Coaching about someone you are worried about",
    required=True,
    paragraphs=(
        "Family coaching is for you: your own wellbeing, and ways of being with the person you are worried about "
        "that make change more likely. Your coach works with you, never on that person behind their back.",
        "Nothing you tell us is shared with the person you are worried about, and nothing of theirs is shared "
        "with you. We never contact them. If you give them an invitation to Waypoint, that is your choice, "
        "and it is theirs whether to use it.",
        "What: your answers in this family intake. Who: our reviewing staff, and the coach or coaches you are "
        "matched with or book with, so they can plan sessions with you. They may not share it with anyone else.",
        "If you or anyone at home is in danger, call your emergency number. Waypoint is not an emergency service.",
    ),
)

DOCUMENTS = [consents.BY_KIND[Consent.Kind.NOT_MEDICAL_CARE], consents.BY_KIND[Consent.Kind.PRIVACY], FAMILY_COACHING]
