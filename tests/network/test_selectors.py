"""Peak planning on a generated manifest history with a known pattern."""

from datetime import timedelta

from network.selectors import peak_plan, split
from routes.models import Manifest
from tests.dsps.factories import square
from tests.network.factories import overflow_world, stops_in

FACTORS = [1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 0.5]  # Friday doubles, Sunday halves


def test_the_plan_follows_a_generated_history_and_splits_the_shortfall(staff):
    # given: six weeks of 10 stops a day × the weekday factors (+ 1 stop a week)
    world = overflow_world()
    first = world.day - timedelta(days=42)
    for t in range(42):
        day = first + timedelta(days=t)
        manifest = Manifest.objects.create(station=world.station, service_date=day)
        count = round((10 + t / 7) * FACTORS[day.weekday()])
        stops_in(manifest, world.b, square(0.05, 0.0), count, start=1000 * (t + 1))
    # and today's 16 stops of the overflow world replaced by the pattern's figure
    today_count = round((10 + 42 / 7) * FACTORS[world.day.weekday()])
    world.manifest.stops.all().delete()
    stops_in(world.manifest, world.b, square(0.05, 0.0), today_count, start=99_000)
    # when
    plan = peak_plan(user=staff, station=world.station, today=world.day)
    # then: each forecast day is within one stop of the pattern, no short-history note
    for day, value in plan.forecast.days:
        t = (day - first).days
        assert abs(value - (10 + t / 7) * FACTORS[day.weekday()]) <= 1, day
    assert plan.forecast.note == ""
    # the busiest day (a Friday in week 8, ~2 × 24 = 48 stops) needs 10 vans of 5 stops
    last_friday = max(v for d, v in plan.forecast.days if d.weekday() == 4)
    assert plan.vans_needed == -(-last_friday // 5)
    assert plan.vans_leased == 5 and plan.extra_vans == plan.vans_needed - 5
    # split 1 : 2 : 2 by the vans each DSP leases now
    assert [r.extra_vans for r in plan.rows] == split(plan.extra_vans, [1, 2, 2])
    assert sum(r.lease_cost for r in plan.rows) == plan.total_cost > 0
    assert plan.starts_on is not None and plan.starts_on > world.day


def test_split_gives_whole_parts_by_largest_remainder():
    assert split(3, [1, 2, 2]) == [1, 1, 1]
    assert split(5, [1, 2, 2]) == [1, 2, 2]
    assert split(0, [1, 2]) == [0, 0]
    assert split(2, [0, 0]) == [1, 1]
