"""Security headers Django 5.2 does not set by itself."""

from urllib.parse import urlsplit

from django.conf import settings


def _tile_origin() -> str:
    parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.") if parts.netloc else ""


class SecurityHeadersMiddleware:
    """Content-Security-Policy for our own vendored assets (no CDN), plus Permissions-Policy.

    Scripts and styles come from our origin only; inline blocks are allowed because page
    templates set up their maps and charts inline. Images may come from the tile server.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        tiles = _tile_origin()
        self.policy = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self' 'unsafe-inline'",
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
        return response
