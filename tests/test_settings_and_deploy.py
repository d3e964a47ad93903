import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_LIKE = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J!x9@pQz7#Lm2$Vb8^Rt5&Wn4*Yc6(Hd1)Gf0_Ss-Aa+Ee=Ii~Oo",
    "ALLOWED_HOSTS": "waypoint.example.org",
    "SITE_URL": "https://waypoint.example.org",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "NOTE_ENCRYPTION_KEYS": "rK0b9wC3cXh3v3pq0TzQmGqg3u5b1wqJ6lY8sX1nZ2o=",
}


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_LIKE and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_like_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_LIKE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_start_fails_naming_a_missing_secret_when_debug_is_off():
    for name in ["SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "NOTE_ENCRYPTION_KEYS", "ALLOWED_HOSTS"]:
        env = {k: v for k, v in PRODUCTION_LIKE.items() if k != name}
        result = manage("check", env=env)
        assert result.returncode != 0, name
        assert f"{name} must be set" in result.stderr, (name, result.stderr[-500:])


def test_real_stripe_key_with_no_api_base_reaches_real_stripe():
    result = manage("shell", "-c", "from django.conf import settings; print(repr(settings.STRIPE_API_BASE))", env=PRODUCTION_LIKE)
    assert result.stdout.strip().splitlines()[-1] == "''", result.stderr


def test_no_migrations_are_missing():
    result = manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr
