"""Manifest CSV import: every row validated first, then one transaction of batched inserts.

The file is read twice as a stream (csv over the uploaded file, never a list of its rows):
once to validate and to gather the stops the packages merge into, once to insert the
packages in batches. What stays in memory is one small record per stop and the set of
package ids, never a second copy of the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Sum

from dsps.models import Dsp, Station
from nextmile import geo
from nextmile.validators import plain_text_problem
from routes.conf import setting
from routes.manifests.allocation import LIVE_ROUTE_STATUSES, TerritoryIndex
from routes.models import Manifest, Package, Stop

REQUIRED = ["tracking_id", "recipient_name", "address", "latitude", "longitude"]
OPTIONAL = [
    "window_start",
    "window_end",
    "size",
    "weight_g",
    "priority",
    "service_time_s",
    "recipient_email",
    "recipient_phone",
]
COLUMNS = REQUIRED + OPTIONAL
PHONE = re.compile(r"\+?[0-9][0-9 ().-]{5,19}")
TEMPLATE_ROWS = [
    [
        *("NM0000000001", "A. Smith", "3500 Maple Ave, Dallas, TX", "32.806100", "-96.806400"),
        *("09:00", "12:00", "2", "1500", "normal", ""),
    ],
    [
        *("NM0000000002", "B. Nguyen", "2800 Routh St, Dallas, TX", "32.800900", "-96.799000"),
        *("", "", "1", "400", "high", "180"),
    ],
]
STOP_TOTALS = [
    "package_count",
    "size",
    "weight_g",
    "window_start",
    "window_end",
    "service_time_s",
    "priority",
]
BATCH = 2000
MAX_ERRORS = 500
OUTSIDE_TERRITORY = "This address is outside your DSP's territory."


class ManifestInvalid(Exception):
    """The file has errors; nothing was written. `errors` lists (row, column, message)."""

    def __init__(self, errors: list[dict], total: int):
        super().__init__(f"{total} problem(s) in the file.")
        self.errors = errors
        self.total = total


@dataclass
class ImportResult:
    manifest: Manifest
    packages: int
    stops_created: int
    stops_merged: int
    uncovered: int


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return geo.metres_between((lat1, lon1), (lat2, lon2))


@dataclass
class _StopDraft:
    """What a stop will hold; `stop` is set once the row exists (or for existing stops)."""

    lat: float
    lon: float
    address: str
    packages: int = 0
    size: int = 0
    weight_g: int = 0
    window: tuple[time, time] | None = None
    service_s: int = 0
    high: bool = False
    stop_id: int | None = None
    dsp_id: int | None = None
    changed: bool = False
    locked: bool = False  # on a route already assigned or out: never merged into

    def accepts(self, row: dict, holder: int | None) -> bool:
        """True when `row` may join this stop: same DSP, not on a live route, and a window
        that still opens before it closes once merged."""
        if self.locked or self.dsp_id != holder:
            return False
        if self.window is None or row["window_start"] is None:
            return True
        return max(self.window[0], row["window_start"]) < min(self.window[1], row["window_end"])

    def add(self, row: dict) -> None:
        self.packages += 1
        self.size += row["size"]
        self.weight_g += row["weight_g"]
        self.service_s = max(self.service_s, row["service_time_s"] or 0)
        self.high = self.high or row["priority"] == Package.Priority.HIGH
        if row["window_start"] is not None:
            start, end = row["window_start"], row["window_end"]
            if self.window is None:
                self.window = (start, end)
            else:  # the tightest window: latest opening, earliest closing
                self.window = (max(self.window[0], start), min(self.window[1], end))
        self.changed = True


@dataclass
class _Stops:
    """Stops of the day by normalised address; packages merge within `merge_m` metres."""

    merge_m: float
    by_address: dict[str, list[_StopDraft]] = field(default_factory=dict)

    @staticmethod
    def key(address: str) -> str:
        return " ".join(address.casefold().replace(",", " ").split())

    def find(self, row: dict, holder: int | None) -> _StopDraft | None:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        for draft in self.by_address.get(self.key(row["address"]), ()):
            if metres_between(draft.lat, draft.lon, lat, lon) <= self.merge_m and draft.accepts(
                row, holder
            ):
                return draft
        return None

    def place(self, row: dict, holder: int | None) -> tuple[_StopDraft, bool]:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        draft = self.find(row, holder)
        if draft is not None:
            return draft, False
        draft = _StopDraft(lat=lat, lon=lon, address=row["address"], dsp_id=holder)
        self.by_address.setdefault(self.key(row["address"]), []).append(draft)
        return draft, True

    def drafts(self):
        for drafts in self.by_address.values():
            yield from drafts


def _text_rows(upload):
    """csv.reader over the upload, decoded as UTF-8 (a BOM from spreadsheets is fine)."""
    upload.seek(0)
    decoder = codecs.getreader("utf-8-sig")(upload)
    return csv.reader(decoder)


def _parse_time(value: str) -> time:
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes[:2].isdigit() and len(minutes) in (2, 5)):
        raise ValueError
    return time(int(hours), int(minutes[:2]))


class _RowChecker:
    def __init__(self, station: Station, known_ids: set[str]):
        self.station = station
        self.station_lat = float(station.latitude)
        self.station_lon = float(station.longitude)
        self.max_km = float(setting("ROUTES_MAX_STOP_DISTANCE_KM"))
        self.seen = set(known_ids)

    def check(self, cells: dict) -> tuple[dict, list[tuple[str, str]]]:
        """The row's values and its problems as (column, message)."""
        errors: list[tuple[str, str]] = []
        row: dict = {}
        for step in (
            self._text,
            self._tracking_id,
            self._coordinates,
            self._window,
            self._numbers,
            self._priority,
            self._contact,
        ):
            step(cells, row, errors)
        return row, errors

    def _text(self, cells: dict, row: dict, errors: list) -> None:
        for name, limit in (("tracking_id", 40), ("recipient_name", 120), ("address", 255)):
            value = cells.get(name, "").strip()
            if not value:
                errors.append((name, "This column is required."))
            elif len(value) > limit:
                errors.append((name, f"At most {limit} characters."))
            elif problem := plain_text_problem(value):
                errors.append((name, problem))
            row[name] = value

    def _tracking_id(self, cells: dict, row: dict, errors: list) -> None:
        tid = row["tracking_id"]
        if tid and tid in self.seen:
            errors.append(("tracking_id", f"Package id {tid} appears more than once."))
        elif tid:
            self.seen.add(tid)

    def _coordinates(self, cells: dict, row: dict, errors: list) -> None:
        coordinates_ok = True
        for name, bound in (("latitude", 90), ("longitude", 180)):
            raw = cells.get(name, "").strip()
            try:
                value = Decimal(raw)
                if not value.is_finite() or abs(value) > bound:
                    raise InvalidOperation
                row[name] = value.quantize(Decimal("0.000001"))
            except (InvalidOperation, ValueError):
                errors.append((name, f"Not a {name} between -{bound} and {bound}: “{raw}”."))
                coordinates_ok = False
        if not coordinates_ok:
            return
        km = (
            metres_between(
                self.station_lat, self.station_lon, float(row["latitude"]), float(row["longitude"])
            )
            / 1000
        )
        if km > self.max_km:
            errors.append(
                (
                    "latitude",
                    f"{km:.0f} km from station {self.station.code}; "
                    f"the limit is {self.max_km:.0f} km.",
                )
            )

    def _window(self, cells: dict, row: dict, errors: list) -> None:
        row["window_start"] = row["window_end"] = None
        raw_start = cells.get("window_start", "").strip()
        raw_end = cells.get("window_end", "").strip()
        if not (raw_start or raw_end):
            return
        parsed = {}
        for name, raw in (("window_start", raw_start), ("window_end", raw_end)):
            try:
                parsed[name] = _parse_time(raw)
            except ValueError:
                errors.append((name, f"Give a time as HH:MM (got “{raw}”)."))
        if len(parsed) != 2:
            return
        start, end = parsed["window_start"], parsed["window_end"]
        opens, closes = self.station.opens_at, self.station.closes_at
        if end <= start:
            errors.append(("window_end", "The window closes before it opens."))
        elif start < opens or end > closes:
            errors.append(
                (
                    "window_start" if start < opens else "window_end",
                    f"Window {start:%H:%M}–{end:%H:%M} is outside the station's "
                    f"day ({opens:%H:%M}–{closes:%H:%M}).",
                )
            )
        else:
            row["window_start"], row["window_end"] = start, end

    def _numbers(self, cells: dict, row: dict, errors: list) -> None:
        for name, default, low, high in (
            ("size", 1, 1, 10_000),
            ("weight_g", 1000, 0, 1_000_000),
            ("service_time_s", None, 0, 3600),
        ):
            raw = cells.get(name, "").strip()
            if not raw:
                row[name] = default
                continue
            if not raw.isdigit() or not low <= int(raw) <= high:
                errors.append((name, f"Give a whole number from {low} to {high} (got “{raw}”)."))
                row[name] = default
            else:
                row[name] = int(raw)

    def _priority(self, cells: dict, row: dict, errors: list) -> None:
        priority = cells.get("priority", "").strip().lower() or Package.Priority.NORMAL
        if priority not in Package.Priority.values:
            errors.append(("priority", f"Use “normal” or “high” (got “{priority}”)."))
        row["priority"] = priority

    def _contact(self, cells: dict, row: dict, errors: list) -> None:
        row["recipient_email"] = cells.get("recipient_email", "").strip()
        if row["recipient_email"]:
            try:
                validate_email(row["recipient_email"])
            except ValidationError:
                errors.append(
                    ("recipient_email", f"Not an e-mail address: “{row['recipient_email']}”.")
                )
                row["recipient_email"] = ""
        row["recipient_phone"] = cells.get("recipient_phone", "").strip()
        phone = row["recipient_phone"]
        if phone and not PHONE.fullmatch(phone):
            errors.append(
                (
                    "recipient_phone",
                    f"Give a phone number in digits, with an optional + (“{phone}”).",
                )
            )
            row["recipient_phone"] = ""


def _rows(upload, header_map):
    reader = _text_rows(upload)
    next(reader, None)
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if any("\x00" in c for c in cells):  # PostgreSQL text cannot hold NUL
            raise csv.Error("a cell contains a NUL byte")
        yield number, {name: cells[i] if i < len(cells) else "" for name, i in header_map.items()}


def _header(upload) -> tuple[dict[str, int], list[dict]]:
    errors = []
    try:
        header = next(_text_rows(upload), None)
    except UnicodeDecodeError:
        return {}, [{"row": 1, "column": "", "message": "The file is not UTF-8 text (CSV)."}]
    if not header:
        return {}, [{"row": 1, "column": "", "message": "The file is empty."}]
    names = [h.strip().lower() for h in header]
    header_map = {}
    for i, name in enumerate(names):
        if name not in COLUMNS:
            errors.append({"row": 1, "column": name, "message": f"Unknown column “{name}”."})
        elif name in header_map:
            errors.append({"row": 1, "column": name, "message": "Column given twice."})
        else:
            header_map[name] = i
    for name in REQUIRED:
        if name not in header_map:
            errors.append({"row": 1, "column": name, "message": "Required column is missing."})
    return header_map, errors


def manifest_import_file(
    *, station: Station, service_date: date, upload, source: str = "", dsp: Dsp | None = None
) -> ImportResult:
    """Validate every row of `upload`, then write all packages and stops in one transaction.

    Raises ManifestInvalid (nothing written) when any row or the header has a problem.
    Packages join the day's manifest; stops at the same address within a few metres merge,
    with existing stops of the day too. A tracking id is unique per DSP in the day: a DSP
    importer's duplicate check sees only its own packages.
    """
    header_map, errors = _header(upload)
    total = len(errors)
    if errors:
        raise ManifestInvalid(errors, total)
    manifest = Manifest.objects.filter(station=station, service_date=service_date).first()
    known = set()
    stops = _Stops(merge_m=float(setting("ROUTES_STOP_MERGE_METRES")))
    if manifest is not None:
        known = set(_packages_seen_by(manifest, dsp).values_list("tracking_id", flat=True))
        live = manifest.stops.filter(route_stop__route__status__in=LIVE_ROUTE_STATUSES)
        live_ids = set(live.values_list("pk", flat=True))
        for stop in manifest.stops.all().iterator(chunk_size=2000):
            draft = _StopDraft(
                lat=float(stop.latitude),
                lon=float(stop.longitude),
                address=stop.address,
                packages=stop.package_count,
                size=stop.size,
                weight_g=stop.weight_g,
                window=(stop.window_start, stop.window_end) if stop.window_start else None,
                service_s=stop.service_time_s,
                high=stop.priority == Package.Priority.HIGH,
                stop_id=stop.pk,
                dsp_id=stop.dsp_id,
                locked=stop.pk in live_ids,
            )
            stops.by_address.setdefault(_Stops.key(stop.address), []).append(draft)
    checker = _RowChecker(station, known)
    territories = TerritoryIndex.for_station(station, on=service_date)
    count = 0
    created = 0
    try:
        for number, cells in _rows(upload, header_map):
            row, row_errors = checker.check(cells)
            holder = None
            if not row_errors:
                holder = territories.holder_of(float(row["longitude"]), float(row["latitude"]))
                if dsp is not None and holder != dsp.pk:
                    row_errors.append(("latitude", OUTSIDE_TERRITORY))
            count += 1
            for column, message in row_errors:
                total += 1
                if len(errors) < MAX_ERRORS:
                    errors.append({"row": number, "column": column, "message": message})
            if not row_errors and not total:
                draft, new = stops.place(row, holder)
                draft.add(row)
                created += new
    except UnicodeDecodeError:
        errors.append({"row": count + 2, "column": "", "message": "The file is not UTF-8 text."})
        total += 1
    except csv.Error as exc:
        errors.append({"row": count + 2, "column": "", "message": f"Broken CSV: {exc}."})
        total += 1
    if not count and not total:
        errors.append({"row": 2, "column": "", "message": "The file has no packages."})
        total += 1
    if total:
        raise ManifestInvalid(errors, total)
    with transaction.atomic():
        manifest, _ = Manifest.objects.get_or_create(
            station=station, service_date=service_date, defaults={"source": source}
        )
        created, uncovered = _write_stops(manifest, stops, territories)
        batch: list[Package] = []
        rechecker = checker_for_write(station)
        for _number, cells in _rows(upload, header_map):
            row, _ = rechecker.check(cells)
            holder = territories.holder_of(float(row["longitude"]), float(row["latitude"]))
            draft = stops.find(row, holder)
            batch.append(
                Package(manifest=manifest, stop_id=draft.stop_id, dsp_id=draft.dsp_id, **row)
            )
            if len(batch) >= BATCH:
                Package.objects.bulk_create(batch)
                batch = []
        Package.objects.bulk_create(batch)
        totals = manifest.packages.aggregate(n=Count("id"), volume=Sum("size"))
        manifest.package_count = totals["n"]
        manifest.total_volume = totals["volume"] or 0
        manifest.save(update_fields=["package_count", "total_volume", "updated_at"])
    return ImportResult(
        manifest=manifest,
        packages=count,
        stops_created=created,
        stops_merged=count - created,
        uncovered=uncovered,
    )


def _packages_seen_by(manifest: Manifest, dsp: Dsp | None):
    """The packages an importer's duplicate check compares with: a DSP's own (tracking ids
    are unique per DSP, so another DSP's id is as free as an unused one), all for staff."""
    packages = manifest.packages.all()
    return packages if dsp is None else packages.filter(dsp=dsp)


def _write_stops(manifest: Manifest, stops: _Stops, territories: TerritoryIndex) -> tuple[int, int]:
    """Create new stops and update grown ones in batches; drafts keep only the ids.

    Returns (stops created, of which uncovered).
    """
    default_service = int(setting("ROUTES_DEFAULT_SERVICE_S"))
    created = uncovered = 0
    new: list[tuple[_StopDraft, Stop]] = []
    grown: list[Stop] = []

    def flush() -> None:
        Stop.objects.bulk_create([stop for _, stop in new])
        for draft, stop in new:
            draft.stop_id = stop.pk
        Stop.objects.bulk_update(grown, STOP_TOTALS)
        new.clear()
        grown.clear()

    for draft in stops.drafts():
        if not draft.changed:
            continue
        fields = {
            "package_count": draft.packages,
            "size": draft.size,
            "weight_g": draft.weight_g,
            "window_start": draft.window[0] if draft.window else None,
            "window_end": draft.window[1] if draft.window else None,
            "service_time_s": draft.service_s or default_service,
            "priority": Package.Priority.HIGH if draft.high else Package.Priority.NORMAL,
        }
        if draft.stop_id is None:
            draft.dsp_id = territories.holder_of(draft.lon, draft.lat)
            created += 1
            uncovered += draft.dsp_id is None
            stop = Stop(
                manifest=manifest,
                address=draft.address,
                latitude=Decimal(f"{draft.lat:.6f}"),
                longitude=Decimal(f"{draft.lon:.6f}"),
                dsp_id=draft.dsp_id,
                **fields,
            )
            new.append((draft, stop))
        else:
            grown.append(Stop(pk=draft.stop_id, **fields))
        if len(new) + len(grown) >= BATCH:
            flush()
    flush()
    return created, uncovered


def checker_for_write(station: Station) -> _RowChecker:
    """A checker that does not track duplicates (the rows were checked once already)."""
    checker = _RowChecker(station, set())
    checker.seen = _NeverSeen()
    return checker


class _NeverSeen(set):
    def __contains__(self, item) -> bool:
        return False

    def add(self, item) -> None:
        return None


def template_csv() -> str:
    """The downloadable template: the header and two example rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def manifest_build_stops(*, manifest: Manifest) -> int:
    """Merge the manifest's packages that have no stop yet into stops, allocated by territory.

    For packages written without the CSV import (demo data, a future API feed). Returns the
    number of stops created.
    """
    stops = _Stops(merge_m=float(setting("ROUTES_STOP_MERGE_METRES")))
    territories = TerritoryIndex.for_station(manifest.station, on=manifest.service_date)
    with transaction.atomic():
        packages = list(manifest.packages.filter(stop__isnull=True).order_by("id"))
        placed = []
        for package in packages:
            row = {
                "address": package.address,
                "latitude": package.latitude,
                "longitude": package.longitude,
                "size": package.size,
                "weight_g": package.weight_g,
                "service_time_s": package.service_time_s,
                "priority": package.priority,
                "window_start": package.window_start,
                "window_end": package.window_end,
            }
            holder = territories.holder_of(float(package.longitude), float(package.latitude))
            draft, _ = stops.place(row, holder)
            draft.add(row)
            placed.append((package, draft))
        created, _ = _write_stops(manifest, stops, territories)
        for package, draft in placed:
            package.stop_id = draft.stop_id
            package.dsp_id = draft.dsp_id
        Package.objects.bulk_update([p for p, _ in placed], ["stop", "dsp"], batch_size=BATCH)
    return created
