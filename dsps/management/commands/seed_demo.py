"""Build the demo world: every app's `demo.seed(world)` runs in INSTALLED_APPS order.

Running it twice changes nothing: each seed step looks rows up by their natural keys.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create (or leave as is) the demo station, DSPs, people, fleet and a day's manifest."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            # demo users share a published password: never on a real deployment
            raise CommandError("Demo data is refused by these settings (DEMO_DATA_ALLOWED).")
        world: dict = {"sign_ins": []}
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(world)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/ with:")
        # Several apps name the same demo people; list each sign-in once, in order.
        for role, email, password in dict.fromkeys(world["sign_ins"]):
            self.stdout.write(f"  {role:<16} {email:<32} {password}")
