"""Fill a station with a year (or `--days`) of delivery history on top of the demo world."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from analytics.history import HistoryGenerator
from dsps.models import Station
from routes.models import DeliveryEvent, LocationPing, Package, Route, RouteStop, ShiftPunch, Stop

ANALYZED = [Route, Stop, Package, RouteStop, DeliveryEvent, ShiftPunch, LocationPing]


class Command(BaseCommand):
    help = "Generate realistic past days (routes, stops, events, punches, pings) for a station."

    def add_arguments(self, parser):
        parser.add_argument("--station", default="DDA1", help="station code (default DDA1)")
        parser.add_argument("--days", type=int, default=365, help="days up to yesterday")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--stops-per-route", type=int, default=30)
        parser.add_argument(
            "--scorecards", action="store_true", help="also store each closed week's scorecard"
        )

    def handle(self, *args, station, days, seed, stops_per_route, scorecards, **options):
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        if not 1 <= stops_per_route <= 400:
            raise CommandError("--stops-per-route must be between 1 and 400.")
        if not Station.objects.filter(code=station).exists():
            if station != "DDA1":
                raise CommandError(f"No station {station}.")
            call_command("seed_demo", stdout=self.stdout)
        started = time.monotonic()
        generator = HistoryGenerator(
            station=Station.objects.get(code=station), seed=seed, stops_per_route=stops_per_route
        )
        summary = generator.run(days=days)
        cards = generator.scorecards(days=days) if scorecards else 0
        if connection.vendor == "postgresql":
            # fresh statistics, or the planner keeps scanning whole tables it thinks are small
            with connection.cursor() as cursor:
                for model in ANALYZED:
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        self.stdout.write(
            self.style.SUCCESS(
                f"{station}: {summary.days} days, {summary.routes} routes, {summary.stops} stops, "
                f"{summary.packages} packages, {summary.events} events, {summary.punches} punches, "
                f"{summary.pings} pings, {summary.incidents} incidents, {cards} scorecards "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
