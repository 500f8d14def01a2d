"""Find every project page and endpoint that accepts a write method (POST/PUT/PATCH/DELETE)."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from tests.tenancy.urls import Endpoint, project_endpoints

WRITE_METHODS = ("post", "put", "patch", "delete")
# A function view that reads the request body or branches on the method takes writes.
_PAGE_WRITES = re.compile(r"request\.(POST|FILES|method)|require_POST|require_http_methods")


@dataclass(frozen=True)
class WriteEndpoint:
    endpoint: Endpoint
    methods: tuple[str, ...]
    is_api: bool

    @property
    def name(self) -> str:
        return self.endpoint.name


def _api_methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions is None:
        view_class = callback.cls
        actions = {m: m for m in view_class.http_method_names if hasattr(view_class, m)}
    return tuple(m for m in WRITE_METHODS if m in actions)


def write_endpoints() -> list[WriteEndpoint]:
    found = []
    for endpoint in project_endpoints():
        if "format" in endpoint.params:
            continue
        if getattr(endpoint.callback, "cls", None) is not None:
            methods = _api_methods(endpoint.callback)
            if methods:
                found.append(WriteEndpoint(endpoint, methods, is_api=True))
        else:
            view = getattr(endpoint.callback, "view_class", None) or inspect.unwrap(
                endpoint.callback
            )
            source = inspect.getsource(view)
            if _PAGE_WRITES.search(source) or hasattr(view, "post"):
                found.append(WriteEndpoint(endpoint, ("post",), is_api=False))
    return found
