"""The old queues go once their rows are in the outbox (0004). Deleting each model whole
(not its foreign key first) lets the migration run backwards too."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0004_owed_work'),
    ]

    operations = [
        migrations.AlterField(
            model_name='refund',
            name='status',
            field=models.CharField(choices=[('pending', 'Being refunded'), ('succeeded', 'Refunded'), ('failed', 'Refused by the bank')], default='pending', max_length=20),
        ),
        migrations.DeleteModel(
            name='CoachAgenda',
        ),
        migrations.DeleteModel(
            name='Notice',
        ),
        migrations.DeleteModel(
            name='Reminder',
        ),
    ]
