"""Demo data of the family path for `manage.py seed_demo` (idempotent).

Grace is worried about her adult son. She came in through "I'm worried about someone":
her family intake is approved and she is matched with Dave, who works with families and
offers a family session; she keeps her own log, and has an invitation link ready to pass on.
"""

import datetime

from django.utils import timezone

from clients import consents

from . import agreements, invitations
from . import progress as family_progress
from .models import FamilyCheckIn, FamilyGoal, FamilyIntake, FamilyMatch, FamilyReview, LovedOneInvitation, PathChoice

COMPLETE = ["about", "loved-one", "hopes", "wellbeing", "safety", "consents"]

GRACES_INTAKE = {
    "status": FamilyIntake.Status.APPROVED,
    "steps_done": COMPLETE,
    "preferred_name": "Grace",
    "pronouns": "she/her",
    "time_zone": "America/Los_Angeles",
    "language": "English",
    "country": "US",
    "relationship": "parent",
    "noticed": "My son has been out most nights and is hard to reach. I found pills in his room.",
    "substances": ["opioids"],
    "hopes": ["own_wellbeing", "conversations", "encourage_help"],
    "hopes_in_own_words": "I want to stop lying awake, and talk with him without it turning into a fight.",
    "pss_answers": [3, 1, 1, 3],
    "pss_score": 12,
    "importance": 9,
    "confidence": 4,
    "afraid_of_loved_one": False,
    "thoughts_of_self_harm": False,
    "overdose_at_home": False,
    "is_urgent": False,
}


def seed(people):
    grace = people["grace"]
    now = timezone.now()
    PathChoice.objects.update_or_create(person=grace, defaults={"about_me": False, "worried": True})
    intake, created = FamilyIntake.objects.get_or_create(client=grace, defaults=GRACES_INTAKE)
    if created:
        # Made directly, not through `submit` and `approve`: the demo owes nobody an e-mail.
        FamilyIntake.objects.filter(pk=intake.pk).update(submitted_at=now, reviewed_at=now)
        FamilyReview.objects.create(intake=intake, action=FamilyReview.Action.APPROVED, reviewer=people["erin"])
    signed = consents.current(grace, agreements.DOCUMENTS)
    for document in agreements.DOCUMENTS:
        if consents.needs_signature(signed[document.kind], document):
            consents.sign(grace, document, signed_name=grace.name)
    FamilyMatch.objects.get_or_create(client=grace, coach=people["dave"], defaults={"assigned_by": people["erin"]})
    if not FamilyGoal.objects.filter(client=grace).exists():
        family_progress.add_goal(grace, kind="positive_moments", days_a_week=2, own_words="Have breakfast together without talking about it")
        family_progress.add_goal(grace, kind="calmer_days", days_a_week=4, stress_at_most=5, own_words="Sleep through the night")
    if not FamilyCheckIn.objects.filter(client=grace).exists():
        today = timezone.localdate(timezone=grace.zone)
        for days_ago in range(1, 15):
            FamilyCheckIn.objects.create(
                client=grace,
                day=today - datetime.timedelta(days=days_ago),
                stress=max(3, 8 - days_ago // 3),
                positive_moment=days_ago % 3 == 0,
                conversation_tried=days_ago % 4 == 0,
                note="Asked how his day was and just listened." if days_ago % 4 == 0 else "",
            )
    if not LovedOneInvitation.objects.filter(family_member=grace).exists():
        invitations.create(grace, from_name="Mom")
    return {"grace": grace}
