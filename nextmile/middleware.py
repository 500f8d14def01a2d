"""Security headers Django 5.2 does not set by itself, and a cap on request size."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse


def _tile_origin() -> str:
    parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.") if parts.netloc else ""


class SecurityHeadersMiddleware:
    """Content-Security-Policy for our own vendored assets (no CDN), plus Permissions-Policy.

    Scripts come from our origin only: no inline script or event handler runs, so markup that
    slips into a page cannot execute. Pages hand data to scripts through json_script blocks
    and data- attributes. Inline styles stay allowed. Images may come from the tile server.

    Signing out answers with `Clear-Site-Data: "cache"`, never "storage": "storage" would also
    delete the driver app's IndexedDB outbox, and with it the deliveries and photos recorded
    offline and not sent yet. The driver's page drops its own copies of the day (Cache Storage)
    before it signs out and warns while actions wait; those stay on the phone, and nothing else
    of the day, until the driver signs in again and they are sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        tiles = _tile_origin()
        self.policy = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self' 'unsafe-inline'",
                f"img-src 'self' data: blob: {tiles}".strip(),
                "connect-src 'self'",
                "font-src 'self'",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(self), microphone=()"
        )
        if request.method == "POST" and request.path == reverse("account_logout"):
            response.headers["Clear-Site-Data"] = '"cache"'
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than `MAX_REQUEST_BYTES` (413).

    Decided from the Content-Length header before the body is read, so a client claiming a
    gigabyte is turned away without Django spooling the upload to disk first. The per-field
    limits (manifest and document sizes, DATA_UPLOAD_MAX_MEMORY_SIZE) still apply below this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(
                request, "The Content-Length header is not a number.", 400, "bad_request"
            )
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            return _refusal(
                request,
                f"The request is {declared / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB.",
                413,
                "request_too_large",
            )
        return self.get_response(request)


def _refusal(request, detail: str, status: int, code: str) -> HttpResponse:
    """A refusal before any view runs: the API's error body under /api/, plain text elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
