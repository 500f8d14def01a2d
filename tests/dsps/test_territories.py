"""Territories: geometry checks, exclusive holdings (held by the database), requests."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dsps.models import (
    AuditEvent,
    Dsp,
    DspApplication,
    Territory,
    TerritoryHolding,
    TerritoryRequest,
)
from dsps.services import (
    application_approve,
    territory_assign,
    territory_create,
    territory_release,
    territory_request_create,
    territory_request_decide,
    territory_update,
)
from tests.dsps.factories import (
    DspApplicationFactory,
    DspFactory,
    MembershipFactory,
    StaffFactory,
    StationFactory,
    TerritoryFactory,
    square,
)
from tests.threads import in_thread


def _create(station, boundary, code="T-NEW"):
    return territory_create(
        station=station,
        code=code,
        name="New area",
        boundary=boundary,
        postal_codes="75201, 75202",
        by=StaffFactory().user,
    )


def test_a_valid_territory_is_created_unassigned_with_clean_postal_codes(db):
    station = StationFactory()
    territory = _create(station, square())
    assert (territory.dsp, territory.postal_codes) == (None, ["75201", "75202"])
    assert AuditEvent.objects.get().verb == "territory.created"


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ({"type": "Point", "coordinates": [-96.8, 32.8]}, "GeoJSON Polygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[-96.84, 32.79], [-96.80, 32.79], [-96.80, 32.83]]],
            },
            "not closed",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [-96.84, 32.79],
                        [-96.80, 32.83],
                        [-96.80, 32.79],
                        [-96.84, 32.83],
                        [-96.84, 32.79],
                    ]
                ],
            },
            "crosses itself",
        ),
        (square(offset_lon=2.0), "the limit is 60 km"),
        ({"type": "Polygon", "coordinates": [[[-96.8, 32.8], [-96.8, 32.8]]]}, "three corners"),
    ],
    ids=["not-a-polygon", "open-ring", "bow-tie", "too-far", "too-few-corners"],
)
def test_an_invalid_boundary_is_refused_naming_the_field(db, boundary, message):
    station = StationFactory()
    with pytest.raises(ValidationError) as error:
        _create(station, boundary)
    assert message in error.value.message_dict["boundary"][0]
    assert Territory.objects.count() == 0


def test_overlapping_territories_of_one_station_are_refused(db):
    station = StationFactory()
    first = _create(station, square(), code="T-1")
    with pytest.raises(ValidationError) as error:
        _create(station, square(offset_lon=0.02), code="T-2")
    assert f"overlaps {first.code}" in error.value.message_dict["boundary"][0]
    assert list(Territory.objects.values_list("code", flat=True)) == ["T-1"]
    # Sharing an edge is not an overlap.
    assert _create(station, square(offset_lon=0.04), code="T-3").code == "T-3"


def test_redrawing_onto_a_neighbour_is_refused_and_the_old_outline_stays(db):
    station = StationFactory()
    _create(station, square(), code="T-1")
    second = _create(station, square(offset_lat=0.1), code="T-2")
    with pytest.raises(ValidationError):
        territory_update(territory=second, name="Moved", boundary=square(offset_lat=0.01), by=None)
    second.refresh_from_db()
    assert (second.name, second.boundary) == ("New area", square(offset_lat=0.1))


def test_assign_then_release_keeps_the_history(db):
    staff = StaffFactory().user
    territory = TerritoryFactory(dsp=None)
    first = DspFactory(station=territory.station)
    second = DspFactory(station=territory.station)
    territory_assign(territory=territory, dsp=first, by=staff)
    territory_release(territory=territory, by=staff, reason="Shrinking")
    territory_assign(territory=territory, dsp=second, by=staff)
    territory.refresh_from_db()
    assert territory.dsp == second
    history = [
        (h.dsp.name, h.ends_at is None)
        for h in TerritoryHolding.objects.filter(territory=territory).order_by("starts_at")
    ]
    assert history == [(first.name, False), (second.name, True)]


def test_a_held_territory_cannot_be_assigned_again(db):
    territory = TerritoryFactory()
    other = DspFactory(station=territory.station)
    with pytest.raises(ValidationError) as error:
        territory_assign(territory=territory, dsp=other, by=None)
    assert "already held by" in error.value.message_dict["territory"][0]
    territory.refresh_from_db()
    assert territory.dsp != other
    assert TerritoryHolding.objects.filter(territory=territory).count() == 1


def test_the_database_refuses_a_second_open_holding(db):
    territory = TerritoryFactory()
    other = DspFactory(station=territory.station)
    with pytest.raises(IntegrityError), transaction.atomic():
        TerritoryHolding.objects.create(territory=territory, dsp=other)


@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_two_dsps_for_one_territory_at_once_exactly_one_wins():
    # given: two submitted applications at one station asking for the same open territory
    staff = [StaffFactory().user, StaffFactory().user]
    first = DspApplicationFactory()
    second = DspApplicationFactory(dsp=DspFactory(station=first.dsp.station, status="applying"))
    territory = TerritoryFactory(station=first.dsp.station, dsp=None)
    barrier = threading.Barrier(2)
    results = {}

    def approve(application, by):
        def go():
            barrier.wait()
            return application_approve(
                application=application, by=by, territory=territory, documents_verified=True
            )

        return go

    # when: each approval runs in its own thread, transaction and database connection
    threads = [
        in_thread(approve(first, staff[0]), results, "first"),
        in_thread(approve(second, staff[1]), results, "second"),
    ]
    for t in threads:
        t.join(timeout=30)
    # then: exactly one succeeded; the other got a clear message and changed nothing
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["DspApplication", "ValidationError"]
    loser = next(r for r in results.values() if isinstance(r, ValidationError))
    winner = next(r for r in results.values() if isinstance(r, DspApplication))
    assert loser.message_dict["territory"] == [
        f"Territory {territory.code} is already held by {winner.dsp.name}; release it first."
    ]
    territory.refresh_from_db()
    assert territory.dsp == winner.dsp
    assert list(TerritoryHolding.objects.values_list("dsp", flat=True)) == [winner.dsp.pk]
    lost = first if winner.pk == second.pk else second
    lost.refresh_from_db()
    assert lost.status == DspApplication.Status.SUBMITTED
    assert Dsp.objects.get(pk=lost.dsp_id).status == Dsp.Status.APPLYING


@pytest.mark.django_db(transaction=True)
def test_the_constraint_stops_an_assignment_that_passed_the_check_before_the_other_committed():
    # given: transaction A has inserted its holding but not committed yet
    territory = TerritoryFactory(dsp=None)
    dsp_a = DspFactory(station=territory.station)
    dsp_b = DspFactory(station=territory.station)
    a_inserted, b_running = threading.Event(), threading.Event()
    results = {}

    def a():
        with transaction.atomic():
            holding = territory_assign(territory=territory, dsp=dsp_a, by=None)
            a_inserted.set()
            b_running.wait(timeout=10)
            # B's check sees no committed holding; B's insert now waits on the unique index.
            threading.Event().wait(0.5)
        return holding

    def b():
        a_inserted.wait(timeout=10)
        b_running.set()
        return territory_assign(territory=territory, dsp=dsp_b, by=None)

    threads = [in_thread(a, results, "a"), in_thread(b, results, "b")]
    for t in threads:
        t.join(timeout=30)
    # then
    assert isinstance(results["a"], TerritoryHolding)
    assert isinstance(results["b"], ValidationError)
    assert f"already held by {dsp_a.name}" in results["b"].message_dict["territory"][0]
    assert list(TerritoryHolding.objects.values_list("dsp", flat=True)) == [dsp_a.pk]


def test_an_active_dsp_requests_an_open_territory_and_staff_approve(db):
    staff = StaffFactory().user
    dsp = DspFactory()
    territory = TerritoryFactory(station=dsp.station, dsp=None)
    owner = MembershipFactory(dsp=dsp).user
    request = territory_request_create(
        dsp=dsp, by=owner, territory=territory, kind="acquire", note="Growing"
    )
    with pytest.raises(ValidationError) as error:
        territory_request_create(dsp=dsp, by=owner, territory=territory, kind="acquire")
    assert error.value.message_dict["territory"] == ["You already have this request pending."]
    territory_request_decide(territory_request=request, by=staff, approve=True)
    request.refresh_from_db()
    territory.refresh_from_db()
    assert (request.status, territory.dsp) == (TerritoryRequest.Status.APPROVED, dsp)
    with pytest.raises(ValidationError) as error:
        territory_request_decide(territory_request=request, by=staff, approve=False, reason="x")
    assert error.value.message_dict["decision"] == ["This request was already approved."]


def test_a_release_request_rejected_needs_a_reason_and_changes_nothing(db):
    staff = StaffFactory().user
    territory = TerritoryFactory()
    request = territory_request_create(
        dsp=territory.dsp, by=staff, territory=territory, kind="release"
    )
    with pytest.raises(ValidationError) as error:
        territory_request_decide(territory_request=request, by=staff, approve=False)
    assert "reason" in error.value.message_dict
    request.refresh_from_db()
    assert request.status == TerritoryRequest.Status.PENDING
    territory_request_decide(territory_request=request, by=staff, approve=True, reason="ok")
    territory.refresh_from_db()
    assert territory.dsp is None


def test_a_dsp_cannot_request_a_held_or_foreign_territory(db):
    dsp = DspFactory()
    held = TerritoryFactory(station=dsp.station)
    foreign = TerritoryFactory(dsp=None)
    for territory in (held, foreign):
        with pytest.raises(ValidationError) as error:
            territory_request_create(
                dsp=dsp, by=StaffFactory().user, territory=territory, kind="acquire"
            )
        assert "territory" in error.value.message_dict
    assert TerritoryRequest.objects.count() == 0


def test_an_applying_dsp_cannot_be_given_a_territory_directly(db):
    application = DspApplicationFactory()
    territory = TerritoryFactory(station=application.dsp.station, dsp=None)
    with pytest.raises(ValidationError) as error:
        territory_assign(territory=territory, dsp=application.dsp, by=None)
    assert error.value.message_dict["dsp"] == [f"{application.dsp.name} is applying."]
