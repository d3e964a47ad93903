from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, PEOPLE, refusal, seed_people
from bookings import demo as bookings_demo
from clients import demo as clients_demo
from coaching import demo as coaching_demo
from families import demo as families_demo
from messaging import demo as messaging_demo


class Command(BaseCommand):
    help = "Create demo people and data (idempotent: run it as often as you like)."

    def handle(self, *args, **options):
        problem = refusal()
        if problem:
            raise CommandError(problem)
        # Each app adds its own demo data, in dependency order.
        with transaction.atomic():
            people = seed_people()
            clients_demo.seed(people)
            families_demo.seed(people)
            coaching_demo.seed(people)
            bookings_demo.seed(people)
            messaging_demo.seed(people)

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Every demo account's password is: " + DEMO_PASSWORD))
        for _key, email, name, role, _zone in PEOPLE:
            self.stdout.write(f"  {role:<7} {email:<24} {name}")
        self.stdout.write(
            "Coaches and admins use two-step sign-in. Add this secret to an authenticator app,\n"
            f"  {DEMO_TOTP_SECRET}\n"
            "or print the current code with:  .venv/bin/python manage.py demo_totp_code"
        )
