"""Views that know no DSP: health of the database and the broker."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found as html_page_not_found
from kombu import Connection


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # any failure is a health answer, not a 500
        return False, str(exc)[:200]


def _broker_ok() -> tuple[bool, str]:
    # A fresh connection each time: a pooled one would report a broker that has since gone.
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport.driver_name
    except Exception as exc:
        return False, str(exc)[:200]


@never_cache
def healthz(request):
    """200 when the database and the broker answer, 503 naming the one that does not."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    status = 200 if db_ok and broker_ok else 503
    body = {
        "status": "ok" if status == 200 else "unavailable",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    return JsonResponse(body, status=status)


def page_not_found(request, exception):
    """404: JSON under /api/ (clients parse it), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)

    return html_page_not_found(request, exception)
