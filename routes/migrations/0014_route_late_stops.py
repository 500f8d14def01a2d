from django.db import migrations, models

# The sentence `routes.planning.words.problem_words` wrote for a stop started after its window
# closed, up to this migration; routes re-checked later count their late stops directly.
LATE_WORDS = " late: its window closes at "


def count_late_stops(apps, schema_editor):
    Route = apps.get_model("routes", "Route")
    routes = Route.objects.exclude(problems=[]).only("pk", "problems")
    for route in routes.iterator():
        late = sum(1 for p in route.problems or [] if LATE_WORDS in p)
        if late:
            Route.objects.filter(pk=route.pk).update(late_stops=late)


class Migration(migrations.Migration):
    dependencies = [
        ("routes", "0013_tracking_notice_resends"),
    ]

    operations = [
        migrations.AddField(
            model_name="route",
            name="late_stops",
            field=models.PositiveIntegerField(
                default=0,
                help_text="stops the last re-check found starting after their window closes",
            ),
        ),
        migrations.RunPython(count_late_stops, migrations.RunPython.noop),
    ]
