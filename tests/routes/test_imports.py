"""Manifest import: every row checked before anything is written; stops merged and allocated."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dsps.models import Role
from routes.manifests.imports import template_csv
from routes.models import Manifest, Package, Stop
from routes.planning.jobs import manifest_import, stop_allocate
from tests.dsps.factories import MembershipFactory, StationFactory, TerritoryFactory
from tests.routes.factories import onboarded_dsp

HEADER = (
    "tracking_id,recipient_name,address,latitude,longitude,window_start,window_end,size,priority"
)


def csv_file(*rows: str, header: str = HEADER) -> SimpleUploadedFile:
    body = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile("manifest.csv", body.encode(), content_type="text/csv")


@pytest.fixture
def dispatcher(db):
    dsp = onboarded_dsp()
    TerritoryFactory(station=dsp.station, dsp=dsp)  # -96.84..-96.79 × 32.79..32.83
    return MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user


def _import(user, upload, station=None):
    """A DSP member imports for their own station; staff name `station`."""
    station = station or user.membership.dsp.station
    return manifest_import(user=user, upload=upload, service_date=station.today(), station=station)


def test_a_good_file_imports_packages_merges_stops_and_allocates_them(staff, dispatcher):
    # given: two packages at one address (3 m apart), one elsewhere inside, one outside
    upload = csv_file(
        "P1,A. Smith,3500 Maple Ave,32.806100,-96.806400,09:00,12:00,2,normal",
        "P2,A. Smith,3500  maple ave,32.806120,-96.806410,10:00,13:00,3,high",
        "P3,B. Nguyen,2800 Routh St,32.800900,-96.799000,,,1,",
        "P4,C. Lopez,100 Far Rd,32.760000,-96.820000,,,1,normal",
    )
    dsp = dispatcher.membership.dsp
    # when: staff import for the whole station
    result = _import(staff, upload, station=dsp.station)
    # then
    assert (result.packages, result.stops_created, result.stops_merged, result.uncovered) == (
        4,
        3,
        1,
        1,
    )
    merged = Stop.objects.get(address="3500 Maple Ave")
    assert (merged.package_count, merged.size, merged.priority, merged.dsp) == (
        2,
        5,
        "high",
        dsp,
    )
    assert (merged.window_start, merged.window_end) == (time(10, 0), time(12, 0))
    assert set(Package.objects.filter(stop=merged).values_list("tracking_id", flat=True)) == {
        "P1",
        "P2",
    }
    assert Stop.objects.get(address="100 Far Rd").dsp is None
    assert Package.objects.get(tracking_id="P4").dsp is None
    manifest = Manifest.objects.get()
    assert (manifest.package_count, manifest.total_volume) == (4, 7)


def test_a_file_with_bad_rows_names_each_problem_and_writes_nothing(dispatcher):
    # given: a duplicate id, a far-away point, a window outside the day, a bad size, and an
    # unknown column
    upload = csv_file(
        "P1,A,1 Main St,32.806100,-96.806400,,,1,normal,x",
        "P1,B,2 Main St,32.806100,-96.806400,,,1,normal,x",
        "P3,C,3 Main St,40.712800,-74.006000,,,1,normal,x",
        "P4,D,4 Main St,32.806100,-96.806400,05:00,08:00,1,normal,x",
        "P5,E,5 Main St,32.806100,-96.806400,,,lots,urgent,x",
        header=HEADER + ",colour",
    )
    # when
    with pytest.raises(ValidationError) as caught:
        _import(dispatcher, upload)
    # then: only the header problem is reported (a file with wrong columns is not read further)
    assert caught.value.row_errors == [
        {"row": 1, "column": "colour", "message": "Unknown column “colour”."}
    ]
    # and without the unknown column every row problem is named
    upload = csv_file(
        "P1,A,1 Main St,32.806100,-96.806400,,,1,normal",
        "P1,B,2 Main St,32.806100,-96.806400,,,1,normal",
        "P3,C,3 Main St,40.712800,-74.006000,,,1,normal",
        "P4,D,4 Main St,32.806100,-96.806400,05:00,08:00,1,normal",
        "P5,E,5 Main St,32.806100,-96.806400,,,lots,urgent",
    )
    with pytest.raises(ValidationError) as caught:
        _import(dispatcher, upload)
    errors = [(e["row"], e["column"]) for e in caught.value.row_errors]
    assert errors == [
        (3, "tracking_id"),
        (4, "latitude"),
        (5, "window_start"),
        (6, "size"),
        (6, "priority"),
    ]
    assert "appears more than once" in caught.value.row_errors[0]["message"]
    assert "km from station" in caught.value.row_errors[1]["message"]
    assert "outside the station's day (07:00–21:00)" in caught.value.row_errors[2]["message"]
    assert caught.value.message_dict == {
        "file": ["5 problem(s) in the file; nothing was imported."]
    }
    assert (Manifest.objects.count(), Package.objects.count(), Stop.objects.count()) == (0, 0, 0)


def test_a_missing_required_column_is_named(dispatcher):
    upload = csv_file("P1,A,1 Main St,32.8", header="tracking_id,recipient_name,address,latitude")
    with pytest.raises(ValidationError) as caught:
        _import(dispatcher, upload)
    assert caught.value.row_errors == [
        {"row": 1, "column": "longitude", "message": "Required column is missing."}
    ]


def test_a_second_file_merges_into_the_days_stops_and_refuses_known_ids(dispatcher):
    # given
    _import(dispatcher, csv_file("P1,A,1 Main St,32.806100,-96.806400,,,1,normal"))
    # when: the same address again, and a package id already imported
    result = _import(dispatcher, csv_file("P2,A,1 Main St,32.806100,-96.806400,,,2,normal"))
    with pytest.raises(ValidationError) as caught:
        _import(dispatcher, csv_file("P1,A,9 Main St,32.806100,-96.806400,,,1,normal"))
    # then
    assert (result.stops_created, Stop.objects.get().package_count, Stop.objects.get().size) == (
        0,
        2,
        3,
    )
    assert caught.value.row_errors[0]["column"] == "tracking_id"
    assert Package.objects.count() == 2


def test_staff_allocate_an_uncovered_stop_by_hand(staff, dispatcher):
    # given
    station = dispatcher.membership.dsp.station
    _import(staff, csv_file("P1,A,100 Far Rd,32.760000,-96.820000,,,1,normal"), station=station)
    stop = Stop.objects.get()
    dsp = dispatcher.membership.dsp
    # when
    stop_allocate(user=staff, stop=stop, dsp=dsp)
    # then
    stop.refresh_from_db()
    assert (stop.dsp, stop.allocated_by_hand) == (dsp, True)
    assert Package.objects.get().dsp == dsp


def test_a_dsp_of_another_station_cannot_receive_a_stop(staff, dispatcher):
    station = dispatcher.membership.dsp.station
    _import(staff, csv_file("P1,A,100 Far Rd,32.760000,-96.820000,,,1,normal"), station=station)
    stop = Stop.objects.get()
    elsewhere = onboarded_dsp(station=StationFactory())
    with pytest.raises(ValidationError) as caught:
        stop_allocate(user=staff, stop=stop, dsp=elsewhere)
    assert caught.value.message_dict == {"dsp": ["That DSP works from another station."]}
    stop.refresh_from_db()
    assert stop.dsp is None


def test_template_rows_import_cleanly(dispatcher):
    upload = SimpleUploadedFile("t.csv", template_csv().encode())
    result = _import(dispatcher, upload)
    assert result.packages == 2
    assert Package.objects.get(tracking_id="NM0000000001").latitude == Decimal("32.806100")


def test_recipient_contacts_are_optional_columns_checked_before_import(dispatcher):
    header = "tracking_id,recipient_name,address,latitude,longitude,recipient_email,recipient_phone"
    # given: a bad e-mail and a bad phone: the whole file is refused, naming the columns
    with pytest.raises(ValidationError) as caught:
        _import(
            dispatcher,
            csv_file(
                "P1,A,1 Main St,32.806100,-96.806400,not-an-email,",
                "P2,B,2 Main St,32.806100,-96.806400,,call me",
                header=header,
            ),
        )
    assert [(e["row"], e["column"]) for e in caught.value.row_errors] == [
        (2, "recipient_email"),
        (3, "recipient_phone"),
    ]
    assert Package.objects.count() == 0
    # when: good contacts (or none) are given
    _import(
        dispatcher,
        csv_file(
            "P1,A,1 Main St,32.806100,-96.806400,ann@mail.test,",
            "P2,B,2 Main St,32.806100,-96.806400,,+1 214-555-0100",
            "P3,C,3 Main St,32.806100,-96.806400,,",
            header=header,
        ),
    )
    # then: they are kept on the packages for the tracking link
    assert list(Package.objects.values_list("recipient_email", "recipient_phone")) == [
        ("ann@mail.test", ""),
        ("", "+1 214-555-0100"),
        ("", ""),
    ]
