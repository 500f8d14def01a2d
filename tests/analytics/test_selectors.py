"""What the analytics figures count: completion, on time, recurring problems, efficiency,
drivers and costs."""

import datetime
from decimal import Decimal

from analytics import selectors
from analytics.selectors import Period
from nextmile.calendar import week_start_of
from routes.models import ShiftPunch
from tests.analytics.factories import day_route, station_yesterday, visit
from tests.drivers.factories import DriverFactory, IncidentFactory
from tests.dsps.factories import DspFactory
from tests.routes.factories import ShiftPunchFactory

D = datetime.timedelta


def _days_back(dsp, n):
    end = station_yesterday(dsp)
    return [end - D(days=n - 1 - i) for i in range(n)], Period(end - D(days=n - 1), end)


def test_completion_and_on_time_follow_the_window_or_the_planned_arrival(db):
    # given: one day with a delivery in its window, one outside it, one 20 min after the
    # planned arrival (on time), one 40 min after (late), one without either, and a failure
    dsp = DspFactory()
    (day,), period = _days_back(dsp, 1)
    visit(dsp, day, address="1 A St", within_window=True)
    visit(dsp, day, address="2 A St", within_window=False)
    visit(dsp, day, address="3 A St", minutes_after_eta=20)
    visit(dsp, day, address="4 A St", minutes_after_eta=40)
    visit(dsp, day, address="5 A St")
    visit(dsp, day, address="6 A St", failed=True)
    visit(DspFactory(), day, address="another DSP", failed=True)

    # when
    rows = selectors.daily_rates(dsp=dsp, period=period)

    # then
    assert rows == [
        {
            "day": day,
            "packages": 6,
            "delivered": 5,
            "failed": 1,
            "measured": 4,
            "on_time": 2,
            "completion": 83.3,
            "on_time_rate": 50.0,
        }
    ]


def test_an_address_is_a_recurring_problem_from_three_bad_visits_among_its_last_ten(db):
    # given: over 12 days, "two" is bad twice in its last ten; "three" three times; "old" four
    # times, but two of those are older than its last ten visits
    dsp = DspFactory()
    days, period = _days_back(dsp, 12)
    for n, day in enumerate(days):
        visit(dsp, day, address="2 Two St", failed=n in (5, 9))
        visit(dsp, day, address="3 Three St", failed=n in (4, 7), within_window=n != 11)
        visit(dsp, day, address="4 Old St", failed=n in (0, 1, 6, 10), lat="32.9", lon="-96.9")

    # when
    rows = selectors.recurring_addresses(dsp=dsp, period=period)

    # then: listed with its counts, upper-cased as one key per address
    assert [(r["address"], r["bad"], r["failed"], r["late"], r["visits"]) for r in rows] == [
        ("3 THREE ST", 3, 2, 1, 10)
    ]
    assert rows[0]["last_visit"] == days[-1]


def test_an_area_collects_the_bad_visits_of_its_addresses(db):
    # given: three addresses in one ~500 m cell, each failed once; one far away failed once
    dsp = DspFactory()
    days, period = _days_back(dsp, 3)
    for n, day in enumerate(days):
        visit(dsp, day, address=f"{n} Near St", failed=True, lat=f"32.80{n}100", lon="-96.801")
    visit(dsp, days[0], address="Far", failed=True, lat="33.100000", lon="-97.100000")

    # when
    areas = selectors.recurring_areas(dsp=dsp, period=period)

    # then: the cell is listed (no single address is), with its bounds for the map
    assert selectors.recurring_addresses(dsp=dsp, period=period) == []
    assert [(a["area"], a["bad"], a["visits"]) for a in areas] == [("32.800,-96.805", 3, 3)]
    assert areas[0]["bounds"] == [[32.8, -96.805], [32.805, -96.8]]


def test_efficiency_uses_paid_hours_and_the_odometer_else_the_completed_sequence(db):
    # given: two routes on one day; the first clocked 8 h less a 30 min break and drove 60 km
    # by its odometer, the second has no punches and completed legs of 3 + 4 km
    dsp = DspFactory()
    (day,), period = _days_back(dsp, 1)
    driver = DriverFactory(dsp=dsp)
    first = day_route(dsp, day, code="A1", driver=driver)
    first.planned_km = Decimal("50.0")
    first.save()
    for n in range(3):
        visit(dsp, day, address=f"{n} First St", route=first, minutes_after_eta=0)
    t0 = datetime.datetime.combine(day, datetime.time(8), tzinfo=dsp.station.tz)
    for kind, hours, km in (
        (ShiftPunch.Kind.CLOCK_IN, 0, 1000),
        (ShiftPunch.Kind.BREAK_START, 4, None),
        (ShiftPunch.Kind.BREAK_END, 4.5, None),
        (ShiftPunch.Kind.CLOCK_OUT, 8, 1060),
    ):
        ShiftPunchFactory(
            driver=driver, route=first, kind=kind, at=t0 + D(hours=hours), odometer_km=km
        )
    second = day_route(dsp, day, code="A2")
    second.planned_km = Decimal("10.0")
    second.save()
    for n in range(2):
        visit(dsp, day, address=f"{n} Second St", route=second, minutes_after_eta=0)
    second.route_stops.update(leg_distance_m=3500)

    # when
    (row,) = selectors.route_efficiency(dsp=dsp, period=period)

    # then: 3 stops in 7.5 paid hours; 60 + 7 km actual against 50 + 10 planned
    assert row == {
        "day": day,
        "routes": 2,
        "stops": 5,
        "hours": 7.5,
        "stops_per_hour": 0.4,
        "actual_km": 67.0,
        "planned_km": 60.0,
        "km_per_stop": 13.4,
        "actual_vs_planned": 111.7,
        "km_source": "odometer + sequence",
    }


def test_without_punches_the_hours_run_from_the_first_to_the_last_attempt(db):
    dsp = DspFactory()
    (day,), period = _days_back(dsp, 1)
    route = day_route(dsp, day)
    for n, minutes in enumerate((0, 40, 80, 120)):
        visit(dsp, day, address=f"{n} Span St", route=route, minutes_after_eta=minutes)

    (row,) = selectors.route_efficiency(dsp=dsp, period=period)

    assert (row["stops"], row["hours"], row["stops_per_hour"]) == (4, 2.0, 2.0)


def test_leaderboard_ranks_by_completion_then_fewer_incidents(db):
    # given: three drivers; two complete everything, one of them with an incident
    dsp = DspFactory()
    days, period = _days_back(dsp, 2)
    careful, reckless, unlucky = (DriverFactory(dsp=dsp, first_name=n) for n in "CRU")
    for n, driver in enumerate((careful, reckless, unlucky)):
        route = day_route(dsp, days[0], code=f"L{n}", driver=driver)
        visit(dsp, days[0], address=f"{n} X St", route=route)
        visit(dsp, days[0], address=f"{n} Y St", route=route, failed=driver is unlucky)
    noon = datetime.datetime.combine(days[1], datetime.time(12), tzinfo=dsp.station.tz)
    IncidentFactory(driver=reckless, kind="speeding", occurred_at=noon)
    IncidentFactory(driver=careful, kind="customer_complaint", occurred_at=noon)

    # when
    rows = selectors.driver_leaderboard(dsp=dsp, period=period)

    # then
    assert [(r["rank"], r["driver"].split()[0], r["completion"], r["incidents"]) for r in rows] == [
        (1, "C", 100.0, 0),
        (2, "R", 100.0, 1),
        (3, "U", 50.0, 0),
    ]


def test_cost_per_package_divides_the_weeks_costs_by_its_deliveries(db):
    # given: a closed week with four deliveries and one driver paid 10 h at $21
    dsp = DspFactory()
    end = station_yesterday(dsp) - D(days=7)
    period = selectors.period_parse(start=end - D(days=6), end=end, today=end)

    week = week_start_of(end)
    driver = DriverFactory(dsp=dsp, hourly_rate=Decimal("21.00"))
    route = day_route(dsp, week + D(days=1), driver=driver)
    for n in range(4):
        visit(dsp, route.service_date, address=f"{n} Z St", route=route)
    t0 = datetime.datetime.combine(route.service_date, datetime.time(8), tzinfo=dsp.station.tz)
    ShiftPunchFactory(driver=driver, route=route, kind="clock_in", at=t0)
    ShiftPunchFactory(driver=driver, route=route, kind="clock_out", at=t0 + D(hours=10))

    # when
    rows = selectors.cost_per_package(dsp=dsp, period=period)

    # then
    (first,) = [r for r in rows if r["week_start"] == week]
    assert (first["week_start"], first["delivered"], first["total_cost"]) == (
        week,
        4,
        Decimal("210.00"),
    )
    assert first["cost_per_package"] == Decimal("52.50")


def test_a_bad_range_is_refused_naming_the_field(db):
    today = datetime.date(2026, 11, 26)
    for start, end, field in (
        ("2026-11-20", "2026-11-01", "end"),
        ("yesterday", None, "start"),
        ("2026-01-01", "2026-12-31", "end"),
        ("1066-10-14", None, "start"),
    ):
        try:
            selectors.period_parse(start=start, end=end, today=today)
        except Exception as exc:
            assert field in exc.message_dict
        else:
            raise AssertionError(f"{start}–{end} accepted")
    default = selectors.period_parse(start=None, end=None, today=today)
    assert (default.start, default.end, default.days) == (
        datetime.date(2026, 10, 29),
        datetime.date(2026, 11, 25),
        28,
    )


def test_the_page_shared_route_stats_give_the_same_costs_and_efficiency(db):
    # given: deliveries every other day for three weeks, and a range cutting a week in two
    dsp = DspFactory()
    end = station_yesterday(dsp) - D(days=7)
    for n in range(0, 21, 2):
        day = end - D(days=n)
        route = day_route(dsp, day, code=f"R{n}")
        for s in range(n % 3 + 1):
            visit(dsp, day, address=f"{s} Y St", route=route, failed=s == 2)
    period = selectors.period_parse(start=end - D(days=10), end=end - D(days=3), today=end)

    # when the page hands its route stats to the costs and efficiency tables
    stats = selectors.route_stats(dsp=dsp, period=period)
    costs = selectors.cost_per_package(dsp=dsp, period=period, stats=stats)

    # then the figures are those each table reads alone, days outside the range included
    assert costs == selectors.cost_per_package(dsp=dsp, period=period)
    assert sum(row["delivered"] for row in costs) > sum(row["delivered"] for row in stats) > 0
    assert selectors.route_efficiency(
        dsp=dsp, period=period, stats=stats
    ) == selectors.route_efficiency(dsp=dsp, period=period)
