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
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "NOTE_ENCRYPTION_KEYS": "Jq3vV8m0R1u5xkS2oQ9wZbT7yE4nH6cL0aPdFgKiMsU=",
    "MFA_ENCRYPTION_KEYS": "0ELbQv_SJqWGl0DmdMTbhu_LFe00c3Ud_h-ufDAqZ8g=",
}
# The values committed to this repository for development.
PUBLISHED = {
    "SECRET_KEY": "dev-only-insecure-key-waypoint-0123456789-abcdefghijklmnopqrstuvwxyz",
    "STRIPE_SECRET_KEY": "sk_test_waypoint_local",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_waypoint_local",
    "STRIPE_WEBHOOK_SECRET": "whsec_waypoint_local",
    "NOTE_ENCRYPTION_KEYS": "rK0b9wC3cXh3v3pq0TzQmGqg3u5b1wqJ6lY8sX1nZ2o=",
    "MFA_ENCRYPTION_KEYS": "_PL3ZBsL5-6L3KwgDd6sxyLXvX47VauFnA0-A8gb79w=",
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
    for name in ["SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "NOTE_ENCRYPTION_KEYS", "MFA_ENCRYPTION_KEYS", "ALLOWED_HOSTS"]:
        env = {k: v for k, v in PRODUCTION_LIKE.items() if k != name}
        result = manage("check", env=env)
        assert result.returncode != 0, name
        assert f"{name} must be set" in result.stderr, (name, result.stderr[-500:])


def test_real_stripe_key_with_no_api_base_reaches_real_stripe():
    result = manage("shell", "-c", "from django.conf import settings; print(repr(settings.STRIPE_API_BASE))", env=PRODUCTION_LIKE)
    assert result.stdout.strip().splitlines()[-1] == "''", result.stderr


def test_no_migrations_are_missing():
    result = manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_is_the_default_when_nothing_says_otherwise():
    env = {k: v for k, v in PRODUCTION_LIKE.items() if k != "DEBUG"}
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=env)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_start_is_refused_naming_each_published_development_value():
    for name, value in PUBLISHED.items():
        result = manage("check", env={**PRODUCTION_LIKE, name: value})
        assert result.returncode != 0, name
        assert f"{name} is the development value published in Waypoint's repository" in result.stderr, (name, result.stderr[-800:])


def test_start_is_refused_when_mail_would_reach_nobody_or_any_host_is_believed():
    for env, words in [
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "no e-mail would reach anyone"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "no e-mail would reach anyone"),
        ({"ALLOWED_HOSTS": "waypoint.example.org,*"}, "ALLOWED_HOSTS holds '*'"),
        ({"STRIPE_API_BASE": "http://127.0.0.1:8420"}, "a live key must reach Stripe itself"),
        ({"STRIPE_PUBLISHABLE_KEY": "pk_test_example"}, "STRIPE_SECRET_KEY is a live key but STRIPE_PUBLISHABLE_KEY is a test key"),
    ]:
        result = manage("check", env={**PRODUCTION_LIKE, **env})
        assert result.returncode != 0, env
        assert words in result.stderr, (env, result.stderr[-800:])


def test_a_production_environment_sends_mail_by_smtp_unless_told_otherwise():
    env = {k: v for k, v in PRODUCTION_LIKE.items() if k != "EMAIL_BACKEND"}
    result = manage("shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", env=env)
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.smtp.EmailBackend", result.stderr


def test_make_turns_development_mode_on_by_itself():
    base = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    result = subprocess.run(
        ["make", "-s", "--eval", "print-debug: ; @echo DEBUG=$$DEBUG", "print-debug"],
        cwd=ROOT, env=base, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == "DEBUG=1", result.stderr
    assert "export DEBUG=1" in (ROOT / ".ci" / "run").read_text()


def test_gunicorn_workers_freeze_what_they_loaded_out_of_the_garbage_collectors_walks():
    """gunicorn reads gunicorn.conf.py from the project's root (README's deploy, bench/pages.py)."""
    import gc
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
