"""Every write to manifests, stops, plan jobs and routes."""

from __future__ import annotations

import logging
import time as clock
from datetime import date, timedelta

from celery import group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dsps.models import Dsp, Role, Station
from dsps.onboarding import onboarding_complete
from dsps.selectors import dsp_is_suspended
from dsps.tenancy import IMPORT, PLAN, dsp_of, require_dsp_power, role_of
from nextmile.dates import day_check
from nextmile.tasks import enqueue_after_commit, task_signature
from routes.conf import setting
from routes.manifests import imports
from routes.manifests.allocation import inverted_windows, tracking_clashes
from routes.models import Package, PlanJob, PlanRun, Route, RouteStop, Stop
from routes.optimizer import ViolationKind
from routes.optimizer.decompose import Phase
from routes.planning.problem import build_problem, moment, retime, route_fields, verify
from routes.planning.rounds import solve_day, time_shares
from routes.planning.words import problem_words, retimed_words
from routes.rules.ev_range import range_problems
from routes.signals import PLAN_COMPLETED, route_event_emit

log = logging.getLogger(__name__)
MAX_TIME_LIMIT_S = 600
MAX_SOLVE_ATTEMPTS = 3
QUEUE_UNAVAILABLE = "The queue is unavailable; try again in a moment."


class PlanAlreadyRunning(ValidationError):
    """A plan of the same station-day (and scope) is queued or running: `job` is that one."""

    def __init__(self, job: PlanJob):
        super().__init__({"service_date": "A plan of this day is already running."})
        self.job = job


# --- Manifests -----------------------------------------------------------------------------


def _station_for(user, station: Station | None, power: str) -> Station:
    """Staff name the station; an active DSP's manager always imports and plans for their own."""
    if role_of(user) == Role.PROGRAM_STAFF:
        if station is None:
            raise ValidationError({"station": "Choose a station."})
        return station
    dsp = dsp_of(user)
    if dsp is None or role_of(user) not in (Role.OWNER, Role.DISPATCHER):
        raise PermissionDenied("Only program staff and DSP managers can do this.")
    require_dsp_power(dsp, power)
    return dsp.station


def manifest_import(
    *, user, upload, service_date: date | None, station: Station | None = None
) -> imports.ImportResult:
    """Import a manifest CSV for a station-day: every row checked first, then one write.

    Raises ValidationError({"file": …}) with `.row_errors` (row, column, message) when the file
    has any problem; nothing is written then.
    """
    station = _station_for(user, station, IMPORT)
    if service_date is None:
        raise ValidationError({"service_date": "Choose the service date."})
    day_check(service_date, field="service_date")
    if service_date < station.today():
        raise ValidationError({"service_date": "Cannot import packages for a day that has passed."})
    if upload is None or upload.size == 0:
        raise ValidationError({"file": "Choose a CSV file to upload."})
    limit = int(setting("ROUTES_MAX_MANIFEST_BYTES"))
    if upload.size > limit:
        raise ValidationError(
            {"file": f"The file is {upload.size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB."}
        )
    try:
        return imports.manifest_import_file(
            station=station,
            service_date=service_date,
            upload=upload,
            source=(getattr(upload, "name", "") or "upload")[:120],
            dsp=dsp_of(user),
        )
    except imports.ManifestInvalid as invalid:
        error = ValidationError(
            {"file": f"{invalid.total} problem(s) in the file; nothing was imported."}
        )
        error.row_errors = invalid.errors
        raise error from None


@transaction.atomic
def stop_allocate(*, user, stop: Stop, dsp: Dsp) -> Stop:
    """Program staff give an uncovered stop (and its packages) to a DSP of its station."""
    if role_of(user) != Role.PROGRAM_STAFF:
        raise PermissionDenied("Only program staff allocate stops by hand.")
    stop = Stop.objects.select_for_update(of=("self",)).select_related("manifest").get(pk=stop.pk)
    if dsp.station_id != stop.manifest.station_id:
        raise ValidationError({"dsp": "That DSP works from another station."})
    if not dsp.is_active:
        raise ValidationError({"dsp": "That DSP is not active."})
    if dsp_is_suspended(dsp, on=stop.manifest.service_date):
        raise ValidationError({"dsp": f"{dsp.name} is suspended from new routes that day."})
    if RouteStop.objects.filter(stop=stop).exists():
        raise ValidationError({"stop": "The stop is already on a route."})
    _check_movable(stop_ids=[stop.pk], to=dsp)
    stop.dsp = dsp
    stop.allocated_by_hand = True
    stop.full_clean()
    stop.save(update_fields=["dsp", "allocated_by_hand", "updated_at"])
    Package.objects.filter(stop=stop).update(dsp=dsp)
    return stop


@transaction.atomic
def stops_reallocate(
    *, user, station: Station, service_date: date, moves: list[tuple[int, int | None, int]]
) -> int:
    """Program staff move many of a day's stops at once: (stop id, expected holder, new DSP).

    All or nothing: every stop must still be of that station day, held by the expected DSP
    (None: uncovered) and on no route, and every receiver active at the station; otherwise a
    `ValidationError` and nothing moves. Moving a stop to the DSP that holds it is a no-op.
    """
    if role_of(user) != Role.PROGRAM_STAFF:
        raise PermissionDenied("Only program staff allocate stops by hand.")
    if not moves:
        return 0
    wanted = {stop_id: (expected, to) for stop_id, expected, to in moves}
    receivers = set(
        Dsp.objects.filter(
            pk__in={to for _, to in wanted.values()}, station=station, status=Dsp.Status.ACTIVE
        ).values_list("pk", flat=True)
    )
    if len(receivers) != len({to for _, to in wanted.values()}):
        raise ValidationError({"dsp": "A receiving DSP is not active at this station."})
    for dsp in Dsp.objects.filter(pk__in=receivers).order_by("id"):
        if dsp_is_suspended(dsp, on=service_date):
            raise ValidationError({"dsp": f"{dsp.name} is suspended from new routes that day."})
    # Locked in id order so two staff applying at once cannot deadlock.
    stops = list(
        Stop.objects.select_for_update()
        .filter(pk__in=wanted, manifest__station=station, manifest__service_date=service_date)
        .order_by("id")
        .values_list("id", "dsp_id")
    )
    if len(stops) != len(wanted):
        raise ValidationError({"stop": "Some stops are no longer part of this day."})
    changed = [stop_id for stop_id, dsp_id in stops if dsp_id != wanted[stop_id][0]]
    if changed:
        raise ValidationError({"stop": f"{len(changed)} stops changed hands since; none moved."})
    if RouteStop.objects.filter(stop_id__in=wanted).exists():
        raise ValidationError({"stop": "Some stops are already on a route; none moved."})
    by_receiver: dict[int, list[int]] = {}
    for stop_id, (expected, to) in wanted.items():
        if expected != to:
            by_receiver.setdefault(to, []).append(stop_id)
    for to, stop_ids in sorted(by_receiver.items()):
        _check_movable(stop_ids=stop_ids, to=Dsp(pk=to))
    moved = 0
    for to, stop_ids in sorted(by_receiver.items()):
        moved += Stop.objects.filter(pk__in=stop_ids).update(
            dsp_id=to, allocated_by_hand=True, updated_at=timezone.now()
        )
        Package.objects.filter(stop_id__in=stop_ids).update(dsp_id=to)
    return moved


def _inverted(stop: Stop) -> str:
    return (
        f"The window at {stop.address} closes before it opens "
        f"({stop.window_start:%H:%M}–{stop.window_end:%H:%M})."
    )


def _check_movable(*, stop_ids: list[int], to: Dsp) -> None:
    """Refuse (none moved) stops no plan could serve or whose packages `to` already holds."""
    inverted = inverted_windows(Stop.objects.filter(pk__in=stop_ids)).order_by("id")
    if stop := inverted.first():
        raise ValidationError({"stop": _inverted(stop) + " None moved."})
    if clashes := tracking_clashes(stop_ids=stop_ids, to_dsp_id=to.pk):
        raise ValidationError(
            {"stop": f"The receiving DSP already has package {', '.join(clashes[:5])}; none moved."}
        )


# --- Plan jobs -----------------------------------------------------------------------------


@transaction.atomic
def plan_job_start(
    *,
    user,
    service_date: date | None,
    time_limit_s: int,
    station: Station | None = None,
) -> PlanJob:
    """Queue a plan of one date: a DSP manager's own DSP, or a whole station for staff."""
    station = _station_for(user, station, PLAN)
    dsp = dsp_of(user)
    if service_date is None:
        raise ValidationError({"service_date": "Choose the date to plan."})
    day_check(service_date, field="service_date")
    if service_date < station.today():
        raise ValidationError({"service_date": "Cannot plan a day that has passed."})
    if not 1 <= time_limit_s <= MAX_TIME_LIMIT_S:
        raise ValidationError(
            {"time_limit_s": f"Give a time limit from 1 to {MAX_TIME_LIMIT_S} seconds."}
        )
    if dsp is not None and not onboarding_complete(dsp):
        raise ValidationError(
            {"service_date": "Finish onboarding first: routes go only to onboarded DSPs."}
        )
    if dsp is not None and dsp_is_suspended(dsp, on=service_date):
        raise ValidationError(
            {"service_date": f"{dsp.name} is suspended from new routes on {service_date}."}
        )
    plan_runs_sweep_stale()  # a job whose worker died must not refuse this plan
    # One active job per station-day and scope: lock the station row so two clicks queue one.
    Station.objects.select_for_update().filter(pk=station.pk).first()
    active = PlanJob.objects.filter(
        station=station, service_date=service_date, status__in=PlanJob.ACTIVE
    )
    if dsp is not None:
        active = active.filter(dsp__in=[dsp.pk]) | active.filter(dsp__isnull=True)
    running = active.order_by("id").first()
    if running is not None:
        raise PlanAlreadyRunning(running)
    job = PlanJob(
        station=station,
        service_date=service_date,
        dsp=dsp,
        time_limit_s=time_limit_s,
        requested_by=user,
    )
    job.full_clean()
    job.save()
    enqueue_after_commit(
        "routes.dispatch_plan_job", job.id, on_queue_error=lambda: _queue_unavailable(job)
    )
    return job


def _queue_unavailable(job: PlanJob) -> None:
    """The broker is down: end the job with a message to retry."""
    log.warning("Queue unavailable; plan job %s failed before it was queued", job.id)
    job.status = PlanJob.Status.FAILED
    job.error = QUEUE_UNAVAILABLE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "updated_at"])


def plan_job_prepare(*, job_id: int) -> list[PlanRun]:
    """Create one run per DSP to plan (skipping DSPs not yet onboarded), biggest day first and
    each with its share of the search (`time_shares`), and mark the job running.

    Idempotent: a job that already left `queued` returns its existing runs, in the same order.
    The caller queues the runs' tasks in that order.
    """
    with transaction.atomic():
        job = (
            PlanJob.objects.select_for_update(of=("self",)).select_related("station").get(pk=job_id)
        )
        if job.status != PlanJob.Status.QUEUED:
            return list(job.runs.filter(status=PlanJob.Status.QUEUED).order_by("id"))
        day = Stop.objects.filter(
            manifest__station=job.station, manifest__service_date=job.service_date
        )
        day = day.filter(dsp=job.dsp) if job.dsp_id else day.exclude(dsp=None)
        stops = dict(
            day.order_by().values("dsp_id").annotate(n=Count("id")).values_list("dsp_id", "n")
        )
        if job.dsp_id:
            candidates = [job.dsp]
        else:
            candidates = list(Dsp.objects.filter(pk__in=list(stops)).order_by("name"))
        # Biggest day first: the order `time_shares` counts on as the runs are queued.
        candidates.sort(key=lambda dsp: -stops.get(dsp.pk, 0))
        skipped, runs = [], []
        for dsp in candidates:
            if dsp_is_suspended(dsp, on=job.service_date):
                skipped.append({"dsp": dsp.name, "reason": "suspended from new routes"})
            elif onboarding_complete(dsp):
                runs.append(PlanRun.objects.get_or_create(job=job, dsp=dsp)[0])
            else:
                skipped.append({"dsp": dsp.name, "reason": "onboarding is not complete"})
        shares = time_shares(
            [stops.get(run.dsp_id, 0) for run in runs],
            job.time_limit_s,
            int(setting("ROUTES_OPTIMIZE_WORKERS")),
        )
        for run, seconds in zip(runs, shares, strict=True):
            run.time_limit_s = seconds
        PlanRun.objects.bulk_update(runs, ["time_limit_s"])
        job.summary = {"skipped": skipped}
        job.started_at = timezone.now()
        if runs:
            job.status = PlanJob.Status.RUNNING
        else:
            job.status = PlanJob.Status.FAILED
            job.finished_at = timezone.now()
            job.error = (
                "Nothing to plan: no onboarded DSP has stops that day."
                if not skipped
                else "Nothing to plan: "
                + "; ".join(f"{s['dsp']} skipped ({s['reason']})" for s in skipped)
            )
        job.save(
            update_fields=["summary", "started_at", "status", "finished_at", "error", "updated_at"]
        )
        return runs


def plan_job_dispatch(*, job_id: int) -> None:
    """Prepare the job and queue one solve per DSP on the optimize queue (a group)."""
    runs = plan_job_prepare(job_id=job_id)
    if runs:
        group(task_signature("routes.plan_run_solve", run.id) for run in runs).apply_async()


@transaction.atomic
def plan_job_cancel(*, user, job: PlanJob) -> PlanJob:
    """Stop a queued or running job; running solves notice within a second and write nothing.

    Cancelling a cancelled job changes nothing.
    """
    job = PlanJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
    if job.status == PlanJob.Status.CANCELLED:
        return job
    if not job.is_active:
        raise ValidationError({"status": f"The job has already {job.status}."})
    job.status = PlanJob.Status.CANCELLED
    job.finished_at = timezone.now()
    job.error = f"Cancelled by {user}."
    job.save(update_fields=["status", "finished_at", "error", "updated_at"])
    job.runs.filter(status=PlanJob.Status.QUEUED).update(
        status=PlanJob.Status.CANCELLED, finished_at=timezone.now()
    )
    return job


class _Watch:
    """The solve's callbacks: progress written at most once a second, cancellation polled.

    Elapsed time is written from either callback (the engines poll `should_stop` often even
    while no better plan turns up), the best objective whenever the engine reports one.
    """

    def __init__(self, run: PlanRun):
        self.run_id = run.pk
        self.job_id = run.job_id
        self.started = clock.monotonic()
        self.best: float | None = None
        self.last_write = 0.0
        self.last_poll = 0.0
        self.stopped = False

    def _write(self, now: float) -> None:
        if now - self.last_write >= 1.0:
            self.last_write = now
            fields = {"elapsed_s": now - self.started, "updated_at": timezone.now()}  # heartbeat
            if self.best is not None:
                fields["best_objective"] = self.best
            PlanRun.objects.filter(pk=self.run_id).update(**fields)

    def progress(self, objective: float, elapsed: float) -> None:
        self.best = objective
        self._write(clock.monotonic())

    def phase(self, phase: Phase) -> None:
        """A new phase is written at once: they are few, and the page names them."""
        PlanRun.objects.filter(pk=self.run_id).update(phase=phase.to_json())

    def should_stop(self) -> bool:
        now = clock.monotonic()
        if not self.stopped and now - self.last_poll >= 0.5:
            self.last_poll = now
            self.stopped = (
                PlanJob.objects.filter(pk=self.job_id).exclude(status__in=PlanJob.ACTIVE).exists()
            )
        self._write(now)
        return self.stopped


def _finish_run(run_id: int, status: str, *, error: str = "", summary: dict | None = None) -> None:
    with transaction.atomic():
        run = PlanRun.objects.select_for_update().get(pk=run_id)
        if run.status in (PlanJob.Status.QUEUED, PlanJob.Status.RUNNING):
            run.status = status
            run.error = error
            run.summary = summary or run.summary
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "summary", "finished_at", "updated_at"])


def plan_run_solve(*, run_id: int) -> PlanRun | None:
    """Solve one DSP's day and write its routes once. Safe to run twice or after a crash.

    The solve runs outside any transaction; the write locks the job then the run, and writes
    only if the run has not succeeded already and the job was not cancelled, replacing the
    DSP's previous draft routes of that date in the same transaction.
    """
    with transaction.atomic():
        run = (
            PlanRun.objects.select_for_update(of=("self",))
            .select_related("job", "dsp__station")
            .filter(pk=run_id)
            .first()
        )
        if run is None:
            return None  # its job was deleted while the message waited: nothing to do
        job_status = PlanJob.objects.values_list("status", flat=True).get(pk=run.job_id)
        if run.status not in (PlanJob.Status.QUEUED, PlanJob.Status.RUNNING):
            return run
        if job_status not in PlanJob.ACTIVE:
            run.status = PlanJob.Status.CANCELLED
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "finished_at", "updated_at"])
            transaction.on_commit(lambda: plan_job_finish_if_done(job_id=run.job_id))
            return run
        if run.attempts >= MAX_SOLVE_ATTEMPTS:
            run.status = PlanJob.Status.FAILED
            run.error = f"The solve stopped its worker {run.attempts} times; giving up."
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at", "updated_at"])
            transaction.on_commit(lambda: plan_job_finish_if_done(job_id=run.job_id))
            return run
        run.status = PlanJob.Status.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.save(update_fields=["status", "attempts", "started_at", "updated_at"])
    job = run.job
    try:
        planned = build_problem(dsp=run.dsp, service_date=job.service_date)
        solution = None
        if planned.problem is not None:
            watch = _Watch(run)
            solution = solve_day(
                run_id=run.pk,
                job_id=job.pk,
                problem=planned.problem,
                time_limit_s=run.search_s,
                seed=job.pk,
                on_progress=watch.progress,
                should_stop=watch.should_stop,
                on_phase=watch.phase,
            )
            if watch.stopped:
                _finish_run(run.pk, PlanJob.Status.CANCELLED)
                plan_job_finish_if_done(job_id=job.pk)
                return PlanRun.objects.get(pk=run.pk)
            violations, planned.legs = verify(planned.problem, solution)
            if violations:
                found = problem_words(
                    violations[:5],
                    station=run.dsp.station,
                    day=job.service_date,
                    routes={
                        vid: f"The route for van {v.plate}" for vid, v in planned.vehicles.items()
                    },
                    stops={sid: stop.address for sid, stop in planned.stops.items()},
                )
                raise RuntimeError("The plan failed its check: " + " ".join(found))
        _write_plan(run_id=run.pk, planned=planned, solution=solution)
    except Exception as exc:  # a failed solve must end the run, not leave it running
        log.exception("Plan run %s failed", run.pk)
        _finish_run(run.pk, PlanJob.Status.FAILED, error=str(exc)[:2000])
    plan_job_finish_if_done(job_id=job.pk)
    return PlanRun.objects.get(pk=run.pk)


def _route_codes(dsp: Dsp, day: date, count: int) -> list[str]:
    taken = set(
        Route.objects.filter(dsp=dsp, service_date=day)
        .exclude(status=Route.Status.DRAFT)
        .values_list("code", flat=True)
    )
    codes, n = [], 1
    while len(codes) < count:
        code = f"R{n:03d}"
        if code not in taken:
            codes.append(code)
        n += 1
    return codes


def _write_plan(*, run_id: int, planned, solution) -> None:
    with transaction.atomic():
        job_id = PlanRun.objects.values_list("job_id", flat=True).get(pk=run_id)
        job = PlanJob.objects.select_for_update().get(pk=job_id)  # the job before its run, always
        run = (
            PlanRun.objects.select_for_update(of=("self",))
            .select_related("job", "dsp__station")
            .get(pk=run_id)
        )
        if run.status != PlanJob.Status.RUNNING:
            return  # another delivery of this task wrote (or ended) it first
        if job.status not in PlanJob.ACTIVE:
            run.status = PlanJob.Status.CANCELLED
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "finished_at", "updated_at"])
            return
        dsp, day, station = run.dsp, job.service_date, run.dsp.station
        Route.objects.filter(dsp=dsp, service_date=day, status=Route.Status.DRAFT).delete()
        Stop.objects.filter(dsp=dsp, manifest__station=station, manifest__service_date=day).exclude(
            drop_reason=""
        ).update(drop_reason="")
        routed = [r for r in (solution.routes if solution else ()) if r.stop_ids]
        codes = _route_codes(dsp, day, len(routed))
        routes = []
        for code, result in zip(codes, routed, strict=True):
            vehicle = planned.vehicles[result.vehicle_id]
            routes.append(
                Route(
                    dsp=dsp,
                    station=station,
                    service_date=day,
                    code=code,
                    vehicle=vehicle,
                    plan_job=job,
                    **route_fields(station, day, vehicle, result),
                )
            )
        Route.objects.bulk_create(routes)
        route_stops = []
        for route, result in zip(routes, routed, strict=True):
            for k, (sid, leg) in enumerate(
                zip(result.stop_ids, planned.legs[result.vehicle_id], strict=True)
            ):
                route_stops.append(
                    RouteStop(
                        route=route,
                        stop=planned.stops[sid],
                        sequence=k + 1,
                        planned_arrival=moment(station, day, result.arrival_s[k]),
                        planned_start=moment(station, day, result.start_s[k]),
                        leg_distance_m=leg,
                    )
                )
        RouteStop.objects.bulk_create(route_stops, batch_size=2000)
        dropped = list(solution.dropped) if solution else []
        if planned.problem is None and planned.stops:
            dropped = [_Dropped(sid, planned.no_vehicle_reason) for sid in planned.stops]
        by_reason: dict[str, list[int]] = {}
        for d in dropped:
            by_reason.setdefault(d.reason[:255], []).append(int(d.stop_id))
        for reason, ids in by_reason.items():
            Stop.objects.filter(pk__in=ids).update(drop_reason=reason)
        km = sum(r.distance_m for r in routes) / 1000
        run.summary = {
            "routes": len(routes),
            "stops": len(route_stops),
            "dropped": len(dropped),
            "km": round(km, 1),
            "hours": round(
                sum((r.returns_at - r.departs_at).total_seconds() for r in routes) / 3600, 1
            ),
            "engine": solution.engine if solution else "none",
            "objective": solution.objective if solution else 0,
            "dropped_reasons": {reason: len(ids) for reason, ids in by_reason.items()},
        }
        run.best_objective = solution.objective if solution else 0
        run.status = PlanJob.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
        route_event_emit(
            type=PLAN_COMPLETED,
            dsp_id=dsp.pk,
            station_id=station.pk,
            occurred_at=run.finished_at,
            data={
                "plan_job": job.pk,
                "plan_run": run.pk,
                "service_date": day.isoformat(),
                "status": run.status,
                **{key: run.summary[key] for key in ("routes", "stops", "dropped", "km")},
            },
        )


class _Dropped:
    def __init__(self, stop_id: str, reason: str):
        self.stop_id = stop_id
        self.reason = reason


def plan_runs_sweep_stale() -> list[int]:
    """Fail every running solve whose heartbeat stopped (its worker was killed or lost), and
    close its job, so the day can be planned again. Returns the swept runs' ids."""
    timeout_s = int(setting("ROUTES_PLAN_HEARTBEAT_TIMEOUT_S"))
    cutoff = timezone.now() - timedelta(seconds=timeout_s)
    stale = PlanRun.objects.filter(status=PlanJob.Status.RUNNING, updated_at__lt=cutoff)
    swept = []
    for run_id, job_id in stale.order_by("id").values_list("id", "job_id"):
        with transaction.atomic():
            run = PlanRun.objects.select_for_update().filter(pk=run_id).first()
            if run is None or run.status != PlanJob.Status.RUNNING or run.updated_at >= cutoff:
                continue  # it finished, or beat again, while we looked
            run.status = PlanJob.Status.FAILED
            run.error = f"The planning worker stopped answering for {timeout_s} s; plan again."
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at", "updated_at"])
        plan_job_finish_if_done(job_id=job_id)
        swept.append(run_id)
    return swept


def plan_job_finish_if_done(*, job_id: int) -> PlanJob:
    """Close the job once every run has ended (the group's join, counted in the database)."""
    with transaction.atomic():
        job = PlanJob.objects.select_for_update().get(pk=job_id)
        if not job.is_active:
            return job
        runs = list(job.runs.select_related("dsp").order_by("dsp__name"))
        if any(r.status in PlanJob.ACTIVE for r in runs):
            return job
        failed = [r for r in runs if r.status == PlanJob.Status.FAILED]
        job.status = PlanJob.Status.FAILED if failed else PlanJob.Status.SUCCEEDED
        job.error = "; ".join(f"{r.dsp.name}: {r.error}" for r in failed)[:4000]
        job.finished_at = timezone.now()
        job.summary = {
            **job.summary,
            "dsps": [
                {"dsp": r.dsp.name, "status": r.status, "search_s": r.search_s, **r.summary}
                for r in runs
            ],
            **{
                key: sum(r.summary.get(key, 0) for r in runs)
                for key in ("routes", "stops", "dropped")
            },
            "km": round(sum(r.summary.get("km", 0) for r in runs), 1),
            "hours": round(sum(r.summary.get("hours", 0) for r in runs), 1),
        }
        job.save(update_fields=["status", "error", "finished_at", "summary", "updated_at"])
        return job


def plan_job_progress(job: PlanJob) -> dict:
    """Percent done (time spent over time allowed, per run), the best objective so far and,
    per running DSP solve, the phase it is in."""
    runs = list(job.runs.select_related("dsp"))
    if not job.is_active:
        percent = 100 if job.status == PlanJob.Status.SUCCEEDED else None
    elif not runs:
        percent = 0
    else:
        parts = [
            1.0 if r.status not in PlanJob.ACTIVE else min(0.99, r.elapsed_s / max(1, r.search_s))
            for r in runs
        ]
        percent = round(100 * sum(parts) / len(parts))
    objectives = [r.best_objective for r in runs if r.best_objective is not None]
    phases = [
        {"dsp": r.dsp.name, **Phase.from_json(r.phase).to_json()}
        for r in runs
        if r.status == PlanJob.Status.RUNNING and r.phase
    ]
    return {
        "percent": percent,
        "best_objective": round(sum(objectives) / 100, 2) if objectives else None,
        "runs_done": sum(1 for r in runs if r.status not in PlanJob.ACTIVE),
        "runs": len(runs),
        "phases": phases,
    }


# --- Hand edits ----------------------------------------------------------------------------


EDITABLE = (Route.Status.DRAFT, Route.Status.ASSIGNED)
TEMPORARY_SEQUENCE = 1_000_000


@transaction.atomic
def route_stop_move(
    *, user, route_stop: RouteStop, to_route: Route | None = None, position: int
) -> RouteStop:
    """Move a stop to `position` (1-based) on `to_route` (default: its own route, a reorder).

    Both routes are re-timed from the matrices and re-checked; what breaks a rule is kept on
    the route as `problems` for the dispatcher to see, except an electric van driving past
    its range less the reserve: that move is refused with the reason.
    """
    if role_of(user) not in (Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER):
        raise PermissionDenied("Your role does not allow this.")
    route_stop = RouteStop.objects.select_related("route", "stop").get(pk=route_stop.pk)
    source = route_stop.route
    target = to_route or source
    ids = sorted({source.pk, target.pk})
    locked = {
        r.pk: r
        for r in Route.objects.select_for_update(of=("self",))
        .select_related("station", "vehicle")
        .filter(pk__in=ids)
        .order_by("id")
    }
    source, target = locked[source.pk], locked[target.pk]
    if role_of(user) != Role.PROGRAM_STAFF and (
        dsp_of(user) is None or source.dsp_id != dsp_of(user).pk
    ):
        raise PermissionDenied("You can only move your own DSP's stops.")
    if not RouteStop.objects.filter(pk=route_stop.pk, route=source).exists():
        raise ValidationError({"route_stop": "The stop moved since you loaded the route; reload."})
    if (target.dsp_id, target.service_date) != (source.dsp_id, source.service_date):
        raise ValidationError({"to_route": "Choose a route of the same DSP and day."})
    for route in (source, target):
        if route.status not in EDITABLE:
            raise ValidationError(
                {"to_route": f"Route {route.code} is {route.get_status_display().lower()}."}
            )
    touched_stops = Stop.objects.filter(route_stop__route__in=[source, target]).order_by("id")
    if stop := inverted_windows(touched_stops).first():
        raise ValidationError({"to_route": _inverted(stop) + " Fix it first."})
    orders = {
        r.pk: [rs.stop for rs in r.route_stops.select_related("stop").order_by("sequence")]
        for r in (source, target)
    }
    moving = route_stop.stop
    orders[source.pk] = [s for s in orders[source.pk] if s.pk != moving.pk]
    if not 1 <= position <= len(orders[target.pk]) + 1:
        raise ValidationError(
            {"position": f"Give a position from 1 to {len(orders[target.pk]) + 1}."}
        )
    orders[target.pk].insert(position - 1, moving)
    touched = [source] if source.pk == target.pk else [source, target]
    timed = retime(
        station=source.station,
        day=source.service_date,
        routes=[(r, orders[r.pk]) for r in touched],
    )
    for route, (_result, _legs, problems) in zip(touched, timed, strict=True):
        if past_range := range_problems(problems):
            raise ValidationError(
                {"position": retimed_words(route, orders[route.pk], past_range)[0]}
            )
    routes_timed_write(routes=touched, orders=orders, timed=timed)
    return RouteStop.objects.select_related("route").get(stop=moving)


def routes_timed_write(
    *, routes: list[Route], orders: dict[int, list[Stop]], timed: list[tuple]
) -> None:
    """Write what `retime` found for routes in a fixed order: each route's totals (distance,
    times, energy, CO2 and cost from the one calculation, `route_fields`) and its stops'
    sequence, times and legs. The stops in `orders` may come from another of `routes`."""
    rows = {rs.stop_id: rs for rs in RouteStop.objects.filter(route__in=routes)}
    fields = ["route", "sequence", "planned_arrival", "planned_start", "leg_distance_m"]
    updated = []
    for route, (result, route_legs, problems) in zip(routes, timed, strict=True):
        for name, value in route_fields(
            route.station, route.service_date, route.vehicle, result
        ).items():
            setattr(route, name, value)
        route.problems = retimed_words(route, orders[route.pk], problems)
        route.late_stops = sum(1 for p in problems if p.kind == ViolationKind.LATE_START)
        route.save()
        for k, stop in enumerate(orders[route.pk]):
            row = rows[stop.pk]
            row.route = route
            row.sequence = TEMPORARY_SEQUENCE + k  # clear of every real number, see below
            row.planned_arrival = moment(route.station, route.service_date, result.arrival_s[k])
            row.planned_start = moment(route.station, route.service_date, result.start_s[k])
            row.leg_distance_m = route_legs[k]
            updated.append(row)
    # Rows keep their ids; sequences go through a free range first so that (route, sequence)
    # stays unique after every statement.
    RouteStop.objects.bulk_update(updated, fields)
    for row in updated:
        row.sequence -= TEMPORARY_SEQUENCE - 1
    RouteStop.objects.bulk_update(updated, ["sequence"])


class _PreviewOnly(Exception):
    """Raised inside a preview's savepoint so that nothing the move wrote is kept."""


def route_timeline(route: Route) -> dict:
    """One route as the timeline draws it: its totals and each stop with its planned arrival
    and window, in minutes after the station's local midnight (two queries, no per-row work)."""
    return route_timelines([route])[route.pk]


def route_timelines(routes: list[Route]) -> dict[int, dict]:
    """`route_timeline` of each route (stations selected), by route id: one query for all
    their stops, so the dispatch board's lanes cost the same as one route's."""
    by_id = {r.pk: r for r in routes}
    stops: dict[int, list] = {pk: [] for pk in by_id}
    rows = RouteStop.objects.filter(route__in=routes).select_related("stop")
    for rs in rows.order_by("route_id", "sequence"):
        stop, tz = rs.stop, by_id[rs.route_id].station.tz
        window = None
        if stop.window_start is not None and stop.window_end is not None:
            window = [_clock_minutes(stop.window_start), _clock_minutes(stop.window_end)]
        stops[rs.route_id].append(
            {
                "id": rs.pk,
                "seq": rs.sequence,
                "address": stop.address,
                "packages": stop.package_count,
                "at": _local_minutes(rs.planned_arrival, tz),
                "window": window,
            }
        )
    return {pk: _timeline_totals(route, stops[pk]) for pk, route in by_id.items()}


def _local_minutes(moment, tz) -> int | None:
    if moment is None:
        return None
    local = moment.astimezone(tz)
    return local.hour * 60 + local.minute


def _timeline_totals(route: Route, stops: list) -> dict:
    tz = route.station.tz
    return {
        "id": route.pk,
        "code": route.code,
        "colour": route.colour,
        "km": float(route.planned_km),
        "minutes": _route_minutes(route),
        "windows_broken": route.late_stops,
        "problems": list(route.problems or []),
        "departs": _local_minutes(route.departs_at, tz),
        "returns": _local_minutes(route.returns_at, tz),
        "stops": stops,
    }


def _clock_minutes(value) -> int:
    return value.hour * 60 + value.minute


def _route_minutes(route: Route) -> int:
    if route.departs_at is None or route.returns_at is None:
        return 0
    return round((route.returns_at - route.departs_at).total_seconds() / 60)


def route_stop_move_preview(
    *, user, route_stop: RouteStop, to_route: Route | None = None, position: int
) -> dict:
    """What `route_stop_move` would do, without keeping it: the same service runs inside a
    savepoint that is then rolled back. Returns, per route touched, the totals before and
    after (km, minutes, windows broken), the rules broken after, and the re-timed stops.
    A move the service refuses raises the same `ValidationError`."""
    source_id = route_stop.route_id
    target_id = to_route.pk if to_route else source_id
    ids = [source_id] if source_id == target_id else [source_id, target_id]
    before = {r.pk: r for r in Route.objects.select_related("station").filter(pk__in=ids)}
    result: dict = {}
    try:
        with transaction.atomic():
            moved = route_stop_move(
                user=user, route_stop=route_stop, to_route=to_route, position=position
            )
            after = {r.pk: r for r in Route.objects.select_related("station").filter(pk__in=ids)}
            result = {
                "stop": moved.pk,
                "to_route": moved.route_id,
                "position": moved.sequence,
                "routes": [
                    {
                        **route_timeline(after[pk]),
                        "km_before": float(before[pk].planned_km),
                        "minutes_before": _route_minutes(before[pk]),
                        "windows_broken_before": before[pk].late_stops,
                    }
                    for pk in ids
                ],
            }
            raise _PreviewOnly
    except _PreviewOnly:
        pass
    return result
