"""Demo data of this app for `manage.py seed_demo` (idempotent).

Alice's intake is approved and she is matched with Carol; Bob's is sent and urgent,
waiting for Erin; Frank has a draft half done.
"""

import datetime

from django.utils import timezone

from . import consents, progress
from .models import CheckIn, CoachAssignment, Consent, GoalKind, Intake, IntakeReview, ProgressSettings, SubstanceUse


COMPLETE = ["about", "reasons", "screening", "safety", "consents"]

INTAKES = {
    "alice": {
        "status": Intake.Status.APPROVED,
        "steps_done": COMPLETE,
        "preferred_name": "Alice",
        "pronouns": "she/her",
        "time_zone": "America/Chicago",
        "language": "English",
        "substances": ["alcohol"],
        "treatment": "none",
        "goal": "cut_down",
        "goal_in_own_words": "Keep weeknights dry and enjoy a couple of drinks at the weekend.",
        "sex": "female",
        "audit_c_answers": [3, 1, 1],
        "audit_c_score": 5,
        "audit_c_positive": True,
        "importance": 8,
        "confidence": 6,
        "thoughts_of_self_harm": False,
        "overdose_past_year": False,
        "is_urgent": False,
    },
    "bob": {
        "status": Intake.Status.SUBMITTED,
        "steps_done": COMPLETE,
        "preferred_name": "Bob",
        "pronouns": "he/him",
        "time_zone": "Europe/London",
        "language": "English",
        "substances": ["opioids", "benzodiazepines"],
        "treatment": "methadone",
        "goal": "mat",
        "goal_in_own_words": "Stay steady on methadone and stop topping up.",
        "dast_answers": [True, True, False, False, True, True, False, False, True, False],
        "dast_score": 6,
        "dast_band": "Substantial level",
        "importance": 9,
        "confidence": 3,
        "thoughts_of_self_harm": True,
        "overdose_past_year": True,
        "is_urgent": True,
    },
    "frank": {
        "status": Intake.Status.DRAFT,
        "steps_done": ["about", "reasons"],
        "preferred_name": "Frank",
        "time_zone": "America/Denver",
        "language": "English",
        "substances": ["stimulants"],
        "treatment": "none",
        "goal": "safer",
    },
}


def _sign_all(client):
    for document in consents.DOCUMENTS:
        Consent.objects.get_or_create(
            client=client,
            kind=document.kind,
            version=document.version,
            defaults={
                "text": document.text,
                "signed_name": client.name,
                "expires_at": timezone.now() + consents.SHARE_CONSENT_LIFETIME
                if document.kind == Consent.Kind.SHARE_WITH_COACH else None,
            },
        )


def seed(people):
    """`people` maps first names (alice, bob, carol, dave, erin) to demo users."""
    now = timezone.now()
    clients = {"alice": people["alice"], "bob": people["bob"], "frank": people["frank"]}
    for key, fields in INTAKES.items():
        submitted = fields["status"] != Intake.Status.DRAFT
        intake, created = Intake.objects.get_or_create(client=clients[key], defaults=fields)
        if created and submitted:
            # Made directly, not through `submit`: the demo owes nobody an e-mail.
            intake.submitted_at = now
            intake.save(update_fields=["submitted_at"])
        if submitted:
            _sign_all(clients[key])
        # The copy on the account that staff pages show, as the intake's first step writes it.
        client = clients[key]
        client.preferred_name, client.pronouns = fields.get("preferred_name") or None, fields.get("pronouns") or None
        client.save(update_fields=["preferred_name", "pronouns"])
    alice_intake = clients["alice"].intake
    CoachAssignment.objects.get_or_create(client=people["alice"], coach=people["carol"], defaults={"assigned_by": people["erin"]})
    if not alice_intake.reviews.exists():
        IntakeReview.objects.create(
            intake=alice_intake, action=IntakeReview.Action.APPROVED, reviewer=people["erin"]
        )
        Intake.objects.filter(pk=alice_intake.pk).update(reviewed_at=now)
    seed_progress_log(people)
    return clients


# Progress log demo: three weeks of alice's check-ins and two goals of her own.
def seed_progress_log(people):
    alice = people["alice"]
    if ProgressSettings.objects.filter(client=alice).exists():
        return
    ProgressSettings.objects.create(client=alice, substances=["alcohol"], share_with_coach=True)
    progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=3, own_words="Weeknights off, mostly")
    progress.add_goal(alice, kind=GoalKind.MAX_DRINKS_PER_DAY, amount=2)
    today = timezone.localdate(timezone=alice.zone)
    drinks = [0, 2, 0, 1, 3, 0, 2, 0, 0, 2, 1, 0, 4, 2, 0, 1, 0, 2, 0, 3, 1]
    for days_ago, amount in enumerate(drinks, start=1):
        entry = CheckIn.objects.create(
            client=alice,
            day=today - datetime.timedelta(days=days_ago),
            cravings=(days_ago * 3) % 8,
            mood=3 + (amount == 0),
            note="Went for a run after work." if days_ago % 5 == 0 else "",
        )
        SubstanceUse.objects.create(check_in=entry, substance="alcohol", used=amount > 0, standard_drinks=amount)
