"""A plan run's day solved in rounds of groups spread over the `optimize` workers.

The run's own task coordinates (`routes.optimizer.decompose.improve_day`); each round's
groups go out as Celery sub-tasks on the `optimize` queue, one message per group. A group
is solved by whoever claims its `PlanGroupResult` row first: a free worker, or the
coordinator itself once its own share is done (taking groups from the end of the round),
so a round finishes even with a single worker process. A group claimed by a worker that
never answers (killed, out of memory) keeps its previous routes. Cancelling the job stops
every sub-task within a second: they poll the job as the coordinator does.
"""

from __future__ import annotations

import heapq
import logging
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict

from celery import current_app
from celery import group as celery_group
from django.db import IntegrityError, transaction

from nextmile.tasks import task_signature
from routes.conf import setting
from routes.models import PlanGroupResult, PlanJob, PlanRun
from routes.optimizer import DayProblem, DaySolution, SearchSettings
from routes.optimizer.decompose import GRACE_S, GroupJob, improve_day, solve_group
from routes.optimizer.wire import (
    problem_from_dict,
    problem_to_dict,
    solution_from_dict,
    solution_to_dict,
)

log = logging.getLogger(__name__)
POLL_S = 0.25


def _claim(run_id: int, round_key: str, group: int) -> bool:
    """Create the group's row; False when someone else holds it already."""
    try:
        with transaction.atomic():
            PlanGroupResult.objects.create(run_id=run_id, round_key=round_key, group=group)
    except IntegrityError:
        return False
    return True


def _answer(run_id: int, round_key: str, group: int, solution: DaySolution) -> None:
    with transaction.atomic():
        PlanGroupResult.objects.filter(run_id=run_id, round_key=round_key, group=group).update(
            answer=solution_to_dict(solution)
        )


class JobWatch:
    """`should_stop` for a sub-task: True once the job is no longer active."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.stopped = False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self.stopped and now - self.last >= 0.5:
            self.last = now
            self.stopped = not PlanJob.objects.filter(
                pk=self.job_id, status__in=PlanJob.ACTIVE
            ).exists()
        return self.stopped


def job_payload(job: GroupJob) -> dict:
    """A group's job as the JSON a sub-task message carries."""
    return {
        "problem": problem_to_dict(job.problem),
        "time_limit_s": job.time_limit_s,
        "seed": job.seed,
        "initial": {v: list(s) for v, s in job.initial.items()},
        "search": asdict(job.search),
    }


def job_from_payload(payload: dict) -> GroupJob:
    """The job `job_payload` sent; a message queued before `search` existed gets the default."""
    return GroupJob(
        problem_from_dict(payload["problem"]),
        payload["time_limit_s"],
        payload["seed"],
        payload["initial"],
        search=SearchSettings(**payload.get("search", {})),
    )


def plan_group_solve(
    *, run_id: int, round_key: str, group: int, payload: dict, deadline: float
) -> bool:
    """Solve one group of a round if nobody has claimed it yet; True when this call did."""
    run = PlanRun.objects.filter(pk=run_id).values("job_id").first()
    if run is None or time.time() > deadline:
        return False
    watch = JobWatch(run["job_id"])
    if watch() or not _claim(run_id, round_key, group):
        return False
    solution = solve_group(job_from_payload(payload), should_stop=watch)
    if not watch.stopped:
        _answer(run_id, round_key, group, solution)
    return True


class CeleryExecutor:
    """Runs a round's groups as `optimize` sub-tasks, the coordinator taking part too."""

    def __init__(self, *, run_id: int, job_id: int, workers: int) -> None:
        self.run_id = run_id
        self.job_id = job_id
        self.workers = max(1, workers)

    def run(
        self, jobs: Sequence[GroupJob], on_progress=None, should_stop=None
    ) -> list[DaySolution | None]:
        if not jobs:
            return []
        round_key = uuid.uuid4().hex
        longest = max(j.time_limit_s for j in jobs)
        waves = math.ceil(len(jobs) / self.workers)
        deadline = time.time() + waves * longest + GRACE_S
        answers: dict[int, DaySolution | None] = {}
        sent = []
        if self.workers > 1:
            messages = celery_group(
                task_signature(
                    "routes.plan_group_solve",
                    self.run_id,
                    round_key,
                    k,
                    job_payload(job),
                    deadline,
                )
                for k, job in enumerate(jobs)
            ).apply_async(queue=setting("ROUTES_GROUP_QUEUE"))
            sent = [r.id for r in messages.results]
        # Take groups from the end while the workers take them from the start: every job
        # that must be solved (an area of the start), optional ones (a second seed, a round's
        # group) while the round's time allows; an optional one nobody has started by then
        # is claimed unsolved. With every worker busy, the run solves its whole day itself.
        ends = time.time() + waves * longest + 1.0
        for k in reversed(range(len(jobs))):
            if should_stop is not None and should_stop():
                break
            late = time.time() + jobs[k].time_limit_s > ends
            if jobs[k].optional and late and answers:
                continue
            if _claim(self.run_id, round_key, k):
                answers[k] = solve_group(jobs[k], on_progress, should_stop)
        for k in range(len(jobs)):
            if k not in answers and _claim(self.run_id, round_key, k):
                answers[k] = None
        while len(answers) < len(jobs) and not (should_stop is not None and should_stop()):
            rows = PlanGroupResult.objects.filter(run_id=self.run_id, round_key=round_key)
            for row in rows:
                if row.group not in answers and row.answer is not None:
                    answers[row.group] = solution_from_dict(row.answer)
            late = [
                row.group
                for row in rows
                if row.group not in answers
                and time.time() - row.created_at.timestamp()
                > jobs[row.group].time_limit_s + GRACE_S
            ]
            for k in late:
                log.warning("Group %s of run %s was lost; it keeps its routes", k, self.run_id)
                answers[k] = None
            if time.time() > deadline + GRACE_S:
                break
            time.sleep(POLL_S)
        if sent and len(answers) < len(jobs):
            current_app.control.revoke(sent)
        PlanGroupResult.objects.filter(run_id=self.run_id, round_key=round_key).delete()
        return [answers.get(k) for k in range(len(jobs))]


def workers_for(job_id: int) -> int:
    """The `optimize` workers a run of the job can count on as it starts: each run still to
    finish holds one as its coordinator, so they share `ROUTES_OPTIMIZE_WORKERS`.

    A station's four DSPs on two workers run two at a time, each on its own worker: a run
    counting on both would plan its rounds for two and leave half its groups unsolved.
    """
    workers = max(1, int(setting("ROUTES_OPTIMIZE_WORKERS")))
    running = PlanRun.objects.filter(job_id=job_id, status__in=PlanJob.ACTIVE).count()
    return max(1, workers // max(1, min(running, workers)))


# The least a DSP's run of a station job searches: its matrices and first plan take seconds.
RUN_MIN_S = 10
# The most, in times the job's limit: a solve must end well within the hour after which
# Redis hands an unacknowledged message out again.
RUN_MOST_TIMES = 3


def time_shares(stops: Sequence[int], time_limit_s: int, workers: int) -> list[int]:
    """Each run's seconds of a station job that gives `time_limit_s` per DSP: shares in
    proportion to the runs' stops, the job still ending when equal shares would have.

    The runs start biggest first, each on the first worker free (`plan_job_dispatch` queues
    them in that order); every worker's last run also takes what is left up to that end.
    With a worker per run, every run keeps `time_limit_s`; none searches less than
    `RUN_MIN_S` or more than `RUN_MOST_TIMES` the limit. A big DSP's day is far from settled
    when a small one's is (docs/benchmarks.md).
    """
    n, workers = len(stops), max(1, workers)
    if n <= 1:
        return [time_limit_s] * n
    end = math.ceil(n / workers) * time_limit_s
    least, most = min(time_limit_s, RUN_MIN_S), RUN_MOST_TIMES * time_limit_s
    order = sorted(range(n), key=lambda k: (-stops[k], k))

    def schedule(per_stop: float) -> tuple[list[int], list[int], list[int]]:
        """Seconds per run, the worker each runs on, and when each worker ends."""
        seconds, on = [0] * n, [0] * n
        free = [(0, w) for w in range(workers)]
        for k in order:
            at, w = heapq.heappop(free)
            seconds[k] = min(most, max(least, int(per_stop * stops[k])))
            on[k] = w
            heapq.heappush(free, (at + seconds[k], w))
        ends = [0] * workers
        for at, w in free:
            ends[w] = at
        return seconds, on, ends

    low, high = 0.0, end / min((s for s in stops if s > 0), default=1)
    for _ in range(40):
        mid = (low + high) / 2
        if max(schedule(mid)[2]) <= end:
            low = mid
        else:
            high = mid
    seconds, on, ends = schedule(low)
    last = {on[k]: k for k in order}  # each worker's last run
    for w, k in last.items():
        seconds[k] = min(most, seconds[k] + end - ends[w])
    return seconds


def solve_day(
    *,
    run_id: int,
    job_id: int,
    problem: DayProblem,
    time_limit_s: float,
    seed: int,
    on_progress=None,
    should_stop=None,
    on_phase=None,
) -> DaySolution:
    """The run's day through `improve_day` with its share of the `optimize` workers."""
    executor = CeleryExecutor(run_id=run_id, job_id=job_id, workers=workers_for(job_id))
    return improve_day(
        problem,
        time_limit_s,
        executor=executor,
        seed=seed,
        group_stops=int(setting("ROUTES_GROUP_STOPS")),
        start_part_stops=int(setting("ROUTES_START_PART_STOPS")),
        whole_day_max=int(setting("ROUTES_WHOLE_DAY_MAX")),
        on_progress=on_progress,
        should_stop=should_stop,
        on_phase=on_phase,
    )
