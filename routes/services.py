"""Every write of routes that other apps may call, published from the sub-package that owns it.

Other apps import writes from here only (an import-linter contract and
`tests/architecture/test_surfaces.py` keep routes' sub-packages private); inside routes, callers
import from the owning module. Each write validates fully and runs in one transaction.
"""

from routes.day.assignment import (
    assignment_suggestions_apply,
    day_confirmation_answer,
    punch_record,
    route_assign,
    route_unassign,
)
from routes.day.deliveries import delivery_record, package_scan
from routes.day.messages import message_send, message_thread_mark_read
from routes.day.outbox import route_close
from routes.day.tracking import tracking_links_send
from routes.live.progress import location_ping_record
from routes.planning.jobs import (
    manifest_import,
    plan_job_cancel,
    plan_job_start,
    route_stop_move,
    stop_allocate,
    stops_reallocate,
)
from routes.replan.disruptions import disruption_record, replan_job_apply, replan_job_start

__all__ = [
    "assignment_suggestions_apply",
    "day_confirmation_answer",
    "delivery_record",
    "disruption_record",
    "location_ping_record",
    "manifest_import",
    "message_send",
    "message_thread_mark_read",
    "package_scan",
    "plan_job_cancel",
    "plan_job_start",
    "punch_record",
    "replan_job_apply",
    "replan_job_start",
    "route_assign",
    "route_close",
    "route_stop_move",
    "route_unassign",
    "stop_allocate",
    "stops_reallocate",
    "tracking_links_send",
]
