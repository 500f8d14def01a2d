"""The wire: which URLs we may call, the signature, and one signed POST with a timeout.

A subscriber's URL is checked twice. When it is saved: http or https, a host, no credentials,
and no private, loopback or link-local IP literal (no name lookup then, so saving never touches
the network). When it is sent to: every address the name resolves to must be public, and the
connection goes to the address that was checked, so a name re-pointed in between cannot reach
inside. `WEBHOOK_ALLOWED_PRIVATE_ADDRESSES` lists the exceptions (tests allow 127.0.0.1).
Redirects are not followed: a 3xx is a failed attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

DEFAULTS = {
    "WEBHOOK_MAX_ATTEMPTS": 5,
    # Automatic retries wait base × 2^(n−1) seconds: 30 s, 1 min, 2 min, 4 min.
    "WEBHOOK_RETRY_BASE_S": 30,
    "WEBHOOK_TIMEOUT_S": 10,
    "WEBHOOK_ALLOWED_PRIVATE_ADDRESSES": [],
}
SIGNATURE_HEADER = "X-NextMile-Signature"
TIMESTAMP_HEADER = "X-NextMile-Timestamp"
EVENT_ID_HEADER = "X-NextMile-Event-Id"
EVENT_TYPE_HEADER = "X-NextMile-Event-Type"
EXCERPT_CHARS = 500
NAMES_INSIDE = ("localhost", ".localhost", ".local", ".internal", ".lan", ".home.arpa")


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


def _allowed_private(address: str) -> bool:
    return address in {str(a) for a in setting("WEBHOOK_ALLOWED_PRIVATE_ADDRESSES")}


def address_problem(address: str) -> str:
    """Why we will not connect to this IP address ("" when we may)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return f"“{address}” is not an IP address."
    if _allowed_private(str(ip)) or ip.is_global:
        return ""
    return f"{ip} is a private, loopback or reserved address; webhooks go to public addresses."


def url_problem(url: str) -> str:
    """Why this URL may not receive webhooks ("" when it may). No DNS lookup."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in ("http", "https"):
        return "Use an http:// or https:// URL."
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "The URL needs a host name."
    if parts.username or parts.password:
        return "Leave user names and passwords out of the URL."
    if port == 0:
        return "Enter a valid port."
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _allowed_private(host) and (host == "localhost" or host.endswith(NAMES_INSIDE)):
            return f"{host} is a local name; webhooks go to public addresses."
        return ""
    return address_problem(host)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the subscriber's secret."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(*, secret: str, body: bytes, event_id: str, event_type: str) -> dict:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "User-Agent": "NextMile-Webhooks/1",
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: f"v1={sign(secret, timestamp, body)}",
    }


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    duration_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _checked_address(host: str, port: int) -> str:
    """The first address of `host`, once every address it resolves to is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ConnectionError(f"Could not resolve {host}: {error}") from error
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        problem = address_problem(address)
        if problem:
            raise ConnectionRefusedError(problem)
    return addresses[0]


def post(url: str, body: bytes, headers: dict) -> Answer:
    """POST `body` to `url` with a timeout; an answer or the reason there was none."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    problem = url_problem(url)
    if problem:
        return Answer(None, took(), error=problem)
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    timeout = setting("WEBHOOK_TIMEOUT_S")
    try:
        address = _checked_address(parts.hostname, port)
        kind = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        connection = kind(parts.hostname, port, timeout=timeout)

        # Connect to the address that was checked; TLS still verifies the host name.
        def pinned(_address, timeout, source_address=None):
            return socket.create_connection((address, port), timeout, source_address)

        connection._create_connection = pinned
        try:
            path = parts.path or "/"
            if parts.query:
                path = f"{path}?{parts.query}"
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            excerpt = response.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")
            return Answer(response.status, took(), excerpt=excerpt[:EXCERPT_CHARS])
        finally:
            connection.close()
    except TimeoutError:
        return Answer(None, took(), error=f"No answer within {timeout} s.")
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, took(), error=(str(error) or type(error).__name__)[:EXCERPT_CHARS])
