"""Users who signed up before e-mail confirmation existed keep what they could do:
their addresses count as confirmed from the moment this runs."""

from django.db import migrations
from django.utils import timezone


def confirm_existing(apps, schema_editor):
    User = apps.get_model("companies", "User")
    User.objects.filter(email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("companies", "0003_user_email_confirmation")]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
