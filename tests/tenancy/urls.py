"""Walk the URL configuration: every project page and endpoint, and which take an object id."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_APPS = ("nextmile", *settings.PROJECT_APPS)


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespaced URL name, e.g. "fleet:vehicle-detail"
    callback: object
    params: tuple[str, ...]  # URL parameters, e.g. ("pk",)


def _walk(patterns, namespace: str = "", params: tuple[str, ...] = ()):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns, params + tuple(p.pattern.regex.groupindex))
        elif isinstance(p, URLPattern) and p.name:
            yield Endpoint(
                f"{namespace}{p.name}", p.callback, params + tuple(p.pattern.regex.groupindex)
            )


def _module(callback) -> str:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return (view_class or callback).__module__


def project_endpoints() -> list[Endpoint]:
    """Named endpoints served by the project's own apps (not admin, allauth or the docs)."""
    seen: dict[str, Endpoint] = {}
    for endpoint in _walk(get_resolver().url_patterns):
        if _module(endpoint.callback).split(".")[0] in PROJECT_APPS:
            # DRF's format-suffix duplicates share the name; keep one.
            seen.setdefault(endpoint.name, endpoint)
    return sorted(seen.values(), key=lambda e: e.name)


def object_endpoints() -> list[Endpoint]:
    """Endpoints that name one object in their URL: each needs a cross-DSP tenancy case."""
    return [e for e in project_endpoints() if e.params and "format" not in e.params]
