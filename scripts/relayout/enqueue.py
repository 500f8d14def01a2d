#!/usr/bin/env python3
"""After relayout.py: services enqueue through nextmile.tasks.enqueue_after_commit by task name.

Re-runnable on a re-laid checkout. Prints every edit it expected but could not make.
Run hoist.py afterwards (task modules then import their services at the top).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HELPER = '''

def registered_task(name: str) -> Task:
    """The task registered under `name`, with its queue and options. A web process has not
    imported the apps' task modules yet; Celery's autodiscovery does so on first need."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def task_signature(name: str, *args) -> Signature:
    """The signature of the task registered under `name`, with its queue and options."""
    return registered_task(name).s(*args)


def enqueue_after_commit(
    name: str,
    *args,
    countdown: int | None = None,
    on_queue_error: Callable[[], object] | None = None,
) -> None:
    """Queue the task registered under `name` once the current transaction commits (at once
    outside one). Services call this instead of importing a task module, so task modules import
    their services at the top and no cycle hides in a function. With the broker unreachable,
    `on_queue_error` runs instead when given; otherwise the error propagates. `countdown` delays
    the task by that many seconds."""

    def send() -> None:
        try:
            task = registered_task(name)
            if countdown:
                task.apply_async(args, countdown=countdown)
            else:
                task.delay(*args)
        except QueueError:
            if on_queue_error is None:
                raise
            on_queue_error()

    transaction.on_commit(send)
'''

HELPER_IMPORTS = (
    "from collections.abc import Callable\n\n"
    "from celery import Signature, Task, current_app\n"
    "from django.db import OperationalError, transaction\n"
    "from kombu.exceptions import OperationalError as QueueError\n"
)

missed: list[str] = []


def edit(path: Path, old: str, new: str, *, regex: bool = False, count: int = 1) -> None:
    s = path.read_text()
    if regex:
        s2, n = re.subn(old, new, s, count=0 if count == 0 else count, flags=re.M)
    else:
        n = s.count(old)
        s2 = s.replace(old, new) if count == 0 else s.replace(old, new, count)
    if not n:
        missed.append(f"{path}: {old[:70]!r}")
        return
    path.write_text(s2)


def add_import(path: Path, line: str) -> None:
    s = path.read_text()
    if line in s:
        return
    m = re.search(r"^(from|import) (?!__future__)", s, re.M)
    s = s[: m.start()] + line + "\n" + s[m.start() :]
    path.write_text(s)


def task_names(repo: Path) -> dict[str, str]:
    """Task function name -> its Celery name, from every app's task modules."""
    out = {}
    for f in list(repo.glob("*/tasks.py")) + list(repo.glob("*/tasks/*.py")):
        src = f.read_text()
        for m in re.finditer(
            r"@shared_task\((?:[^()]|\([^()]*\))*?name=\"([\w.]+)\"(?:[^()]|\([^()]*\))*\)\s*\ndef (\w+)\(",
            src,
        ):
            out[m.group(2)] = m.group(1)
    return out


def main() -> int:
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    names = task_names(repo)

    tasks_py = repo / "nextmile/tasks.py"
    if "def enqueue_after_commit" not in tasks_py.read_text():
        edit(tasks_py, "from django.db import OperationalError\n", HELPER_IMPORTS)
        tasks_py.write_text(tasks_py.read_text().rstrip("\n") + "\n" + HELPER)

    # integrations: one task, queued with a countdown and a broker-down fallback
    integ = repo / "integrations/services.py"
    edit(integ, "    from .tasks import webhook_deliver_task\n\n", "", count=0)
    edit(
        integ,
        r"def _queue_after_commit\(\s*task, delivery_id: int, number: int, trigger: str, "
        r"countdown: int = 0\s*\) -> None:\n    def queue\(\) -> None:\n        try:\n"
        r"            task.apply_async\(\(delivery_id, number, trigger\), countdown=countdown\)\n"
        r"        except QueueError:\n"
        r"            # The delivery stays pending in the log; it can be re-sent from there.\n"
        r"            (log.warning\([^\n]*\))\n\n    transaction.on_commit\(queue\)",
        "def _queue_after_commit(delivery_id: int, number: int, trigger: str, countdown: int = 0)"
        " -> None:\n    def unavailable() -> None:\n"
        "        # The delivery stays pending in the log; it can be re-sent from there.\n"
        "        \\1\n\n    enqueue_after_commit(\n        WEBHOOK_DELIVER,\n        delivery_id,\n"
        "        number,\n        trigger,\n        countdown=countdown,\n"
        "        on_queue_error=unavailable,\n    )",
        regex=True,
    )
    edit(
        integ,
        r"_queue_after_commit\(\s*webhook_deliver_task,\s*",
        "_queue_after_commit(",
        regex=True,
        count=0,
    )
    edit(
        integ,
        "\nlog = ",
        "\n# The Celery task that makes one attempt (integrations/tasks.py registers it"
        ' under this name).\nWEBHOOK_DELIVER = "integrations.webhook_deliver"\n\nlog = ',
    )
    add_import(integ, "from nextmile.tasks import enqueue_after_commit")
    itasks = repo / "integrations/tasks.py"
    edit(itasks, '    name="integrations.webhook_deliver",', "    name=WEBHOOK_DELIVER,")
    edit(
        itasks,
        "from nextmile.tasks import IDEMPOTENT_TASK\n",
        "from nextmile.tasks import IDEMPOTENT_TASK\n\nfrom .services import WEBHOOK_DELIVER\n",
    )

    # routes: plan jobs
    jobs = repo / "routes/planning/jobs.py"
    if jobs.exists():
        s = jobs.read_text()
        if "manifest_summarise_task" in s:
            edit(
                jobs,
                "    from routes.tasks.planning.planning import manifest_summarise_task\n\n"
                "    def queue():\n        try:\n            manifest_summarise_task.delay(manifest.id)\n"
                "        except QueueError:  # the broker is down: count now rather than lose the"
                " summary\n",
                "    def unavailable() -> None:  # the broker is down: count now rather than lose"
                " the summary\n",
            )
            edit(
                jobs,
                '            log.warning("Queue unavailable; summarising manifest %s in the request",'
                " manifest.id)\n            manifest_summarise(manifest_id=manifest.id)\n\n"
                "    transaction.on_commit(queue)",
                '        log.warning("Queue unavailable; summarising manifest %s in the request",'
                " manifest.id)\n        manifest_summarise(manifest_id=manifest.id)\n\n"
                '    enqueue_after_commit("routes.manifest_summarise", manifest.id,'
                " on_queue_error=unavailable)",
            )
        edit(
            jobs,
            "    transaction.on_commit(lambda: _dispatch_or_fail(job, plan_job_dispatch_task))",
            '    enqueue_after_commit(\n        "routes.dispatch_plan_job", job.id,'
            " on_queue_error=lambda: _queue_unavailable(job)\n    )",
        )
        edit(
            jobs,
            r"def _dispatch_or_fail\(job: PlanJob, task\) -> None:\n    \"\"\"[^\n]*\"\"\"\n"
            r"    try:\n        task.delay\(job.id\)\n    except QueueError:\n((?:        [^\n]*\n)+)",
            lambda m: (
                "def _queue_unavailable(job: PlanJob) -> None:\n"
                '    """The broker is down: end the job with a message to retry."""\n'
                + re.sub(r"^    ", "", m.group(1), flags=re.M)
            ),
            regex=True,
        )
        edit(
            jobs,
            r"group\((\w+)_task\.s\(([\w.]+)\) for",
            lambda m: (
                f'group(task_signature("{names.get(m.group(1) + "_task", "?")}", {m.group(2)}) for'
            ),
            regex=True,
            count=0,
        )
        add_import(jobs, "from nextmile.tasks import enqueue_after_commit, task_signature")

    # any other service: a lazy task import and `transaction.on_commit(lambda: x_task.delay(a))`
    for f in sorted(repo.glob("routes/**/*.py")):
        if "/tasks/" in f.as_posix() or "/migrations/" in f.as_posix():
            continue
        s = f.read_text()
        s2 = re.sub(
            r"^[ \t]+from routes\.tasks[\w.]* import [^\n]*\n(?:[ \t]*\n)?", "", s, flags=re.M
        )
        s2 = re.sub(
            r"transaction\.on_commit\(lambda: (\w+_task)\.delay\(([^()]*)\)\)",
            lambda m: (
                f'enqueue_after_commit("{names.get(m.group(1), "?" + m.group(1))}", {m.group(2)})'
            ),
            s2,
        )
        s2 = re.sub(r"^[ \t]+from nextmile\.celery import app\n(?:[ \t]*\n)?", "", s2, flags=re.M)
        if s2 != s and re.search(r"\bapp\.control\b", s2):
            s2 = re.sub(r"\bapp\.control\b", "current_app.control", s2)
            add_celery = True
        else:
            add_celery = False
        s2 = re.sub(
            r"\b(\w+_task)\.s\(",
            lambda m: f'task_signature("{names.get(m.group(1), "?" + m.group(1))}", ',
            s2,
        )
        s2 = re.sub(
            r"\b(\w+_task)\.(delay|apply_async)\(",
            lambda m: f'registered_task("{names.get(m.group(1), "?" + m.group(1))}").{m.group(2)}(',
            s2,
        )
        if s2 != s:
            f.write_text(s2)
            for helper in ("enqueue_after_commit", "task_signature", "registered_task"):
                if helper + "(" in s2:
                    add_import(f, f"from nextmile.tasks import {helper}")
            if add_celery:
                add_import(f, "from celery import current_app")
            if '"?' in s2:
                missed.append(f"{f}: a task whose name was not found")

    # task modules: no star import; the package's __init__ imports every module
    tplan = repo / "routes/tasks/planning.py"
    edit(tplan, r"\n*^from routes\.tasks\.day import \*  # noqa\n", "\n", regex=True)
    edit(
        tplan,
        r"^from routes\.tasks\.retention import location_ping_prune_task[^\n]*\n",
        "",
        regex=True,
    )
    edit(
        tplan,
        "        manifest_summarise,  # services import this module; avoid the cycle\n",
        "        manifest_summarise,\n",
        count=0,
    )
    tday = repo / "routes/tasks/day.py"
    edit(tday, '__all__ = ["replan_job_run_task", "tracking_links_send_task"]\n\n\n', "")
    edit(
        tday,
        '"""Live-tracking tasks: ids in, one service call."""',
        '"""Day-of-delivery tasks (re-plans and tracking links): ids in, one service call."""',
    )
    edit(
        repo / "integrations/tasks.py",
        "    from .services import delivery_attempt  # services import this module; avoid the cycle",
        "    from .services import delivery_attempt",
    )

    left = subprocess.run(
        [
            "grep",
            "-rn",
            "-E",
            r"from (routes\.tasks|\.tasks)[\w.]* import",
            "routes",
            "integrations",
            "billing",
            "--include=*.py",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
    ).stdout
    for line in left.splitlines():
        if "/tasks/" not in line and "/tasks.py" not in line:
            missed.append("still imports a task module: " + line)
    for m in missed:
        print("MISSED", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
