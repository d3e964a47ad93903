"""The intake's answers and the review messages move to encrypted columns, each under its
own key, sealed in batches (see core/sealing.py). Reversible: unapplying opens every
value back into a plain column, as long as the keys that sealed them are configured.

Stop every web, worker and beat process before migrating, and start them after: a
process still running the old code would write plain text into the encrypted columns.
"""

import django.core.validators
from django.db import migrations

import core.encryption
from core.sealing import PlainColumn, seal_fields

# Each column as it was: its SQL type, NOT NULL, and the ">= 0" check of a positive integer.
INTAKE_COLUMNS = [
    PlainColumn("preferred_name", "varchar(80)"),
    PlainColumn("pronouns", "varchar(40)"),
    PlainColumn("time_zone", "varchar(64)"),
    PlainColumn("language", "varchar(40)"),
    PlainColumn("phone", "varchar(32)"),
    PlainColumn("emergency_contact", "varchar(160)"),
    PlainColumn("substances", "varchar(20)[]"),
    PlainColumn("substance_other", "varchar(120)"),
    PlainColumn("treatment", "varchar(16)"),
    PlainColumn("treatment_other", "varchar(120)"),
    PlainColumn("goal", "varchar(12)"),
    PlainColumn("goal_in_own_words", "text"),
    PlainColumn("sex", "varchar(8)"),
    PlainColumn("audit_c_answers", "smallint[]", not_null=False),
    PlainColumn("audit_c_score", "smallint", not_null=False, non_negative=True),
    PlainColumn("audit_c_positive", "boolean", not_null=False),
    PlainColumn("dast_answers", "boolean[]", not_null=False),
    PlainColumn("dast_score", "smallint", not_null=False, non_negative=True),
    PlainColumn("dast_band", "varchar(40)"),
    PlainColumn("importance", "smallint", not_null=False, non_negative=True),
    PlainColumn("confidence", "smallint", not_null=False, non_negative=True),
    PlainColumn("thoughts_of_self_harm", "boolean", not_null=False),
    PlainColumn("overdose_past_year", "boolean", not_null=False),
]
INTAKE_FIELDS = {
    "preferred_name": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=80),
    "pronouns": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=40),
    "time_zone": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=64),
    "language": lambda: core.encryption.EncryptedTextField(blank=True, default='English', max_length=40),
    "phone": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=32),
    "emergency_contact": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=160),
    "substances": lambda: core.encryption.EncryptedJSONField(blank=True, default=list),
    "substance_other": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=120),
    "treatment": lambda: core.encryption.EncryptedTextField(blank=True, choices=[('none', 'None right now'), ('buprenorphine', 'Suboxone / buprenorphine'), ('methadone', 'Methadone'), ('naltrexone', 'Vivitrol / naltrexone'), ('other', 'Something else')], default='', max_length=16),
    "treatment_other": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=120),
    "goal": lambda: core.encryption.EncryptedTextField(blank=True, choices=[('stop', 'Stop completely'), ('cut_down', 'Cut down / controlled drinking or use'), ('safer', 'Use more safely'), ('mat', 'Stay on track with my medication-assisted treatment'), ('not_sure', 'I am not sure yet')], default='', max_length=12),
    "goal_in_own_words": lambda: core.encryption.EncryptedTextField(blank=True, default=''),
    "sex": lambda: core.encryption.EncryptedTextField(blank=True, choices=[('female', 'Female'), ('male', 'Male'), ('', 'I would rather not say')], default='', max_length=8),
    "audit_c_answers": lambda: core.encryption.EncryptedJSONField(blank=True, default=None),
    "audit_c_score": lambda: core.encryption.EncryptedJSONField(blank=True, default=None),
    "audit_c_positive": lambda: core.encryption.EncryptedJSONField(blank=True, default=None),
    "dast_answers": lambda: core.encryption.EncryptedJSONField(blank=True, default=None),
    "dast_score": lambda: core.encryption.EncryptedJSONField(blank=True, default=None),
    "dast_band": lambda: core.encryption.EncryptedTextField(blank=True, default='', max_length=40),
    "importance": lambda: core.encryption.EncryptedJSONField(blank=True, default=None, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10)]),
    "confidence": lambda: core.encryption.EncryptedJSONField(blank=True, default=None, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10)]),
    "thoughts_of_self_harm": lambda: core.encryption.EncryptedJSONField(blank=True, default=None),
    "overdose_past_year": lambda: core.encryption.EncryptedJSONField(blank=True, default=None),
}


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0004_outbox_moved"),
    ]

    operations = [
        # The database sees only ciphertext now: the form and the fields' validators keep the 0-10 range.
        migrations.RemoveConstraint(model_name="intake", name="intake_importance_0_to_10"),
        migrations.RemoveConstraint(model_name="intake", name="intake_confidence_0_to_10"),
        *seal_fields("clients", "Intake", "clients_intake", INTAKE_COLUMNS, INTAKE_FIELDS),
        *seal_fields(
            "clients", "IntakeReview", "clients_intakereview", [PlainColumn("message", "text")],
            {"message": lambda: core.encryption.EncryptedTextField(blank=True, default="")},
        ),
    ]
