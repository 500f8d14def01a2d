from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routes", "0014_route_late_stops"),
    ]

    operations = [
        migrations.AddField(
            model_name="planrun",
            name="time_limit_s",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
    ]
