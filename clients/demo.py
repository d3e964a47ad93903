"""Demo data of this app for `manage.py seed_demo` (idempotent)."""


def seed(people):
    """`people` maps first names (alice, bob, carol, dave, erin) to demo users."""
    seed_progress_log(people)


# Progress log demo (h7): three weeks of alice's check-ins and two goals of her own.
def seed_progress_log(people):
    import datetime

    from django.utils import timezone

    from . import progress
    from .models import CheckIn, GoalKind, ProgressSettings, SubstanceUse

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
