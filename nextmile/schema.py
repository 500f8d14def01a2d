"""OpenAPI generation: every operation documents the errors every endpoint can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "type": "object",
    "additionalProperties": True,
    "description": "`detail` for 401/403/404; field name → list of messages for 400.",
}
COMMON_ERRORS = {
    "400": "Invalid input: messages keyed by field (also a page number out of range).",
    "401": "No valid API key or session (the `WWW-Authenticate` header names the scheme).",
    "403": "Signed in, but the role does not allow this.",
    "404": "No such object, or it belongs to another DSP.",
}


class NextMileAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the common error responses, unless a view sets its own."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in COMMON_ERRORS.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses


LOCAL_TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def local_times_hook(result, generator, request, public):
    """Times of day are local wall-clock times ("07:00:00"), not RFC 3339 `time` with an offset.

    OpenAPI's `format: time` means the latter; say what the API really sends and accepts.
    """

    def walk(node):
        if isinstance(node, dict):
            if node.get("format") == "time" and node.get("type") == "string":
                node.pop("format")
                node["pattern"] = LOCAL_TIME_PATTERN
                node.setdefault("example", "07:00:00")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents API keys as HTTP bearer auth (the `Token` keyword is accepted too)."""

    target_class = "dsps.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A NextMile API key: `Authorization: Bearer <key>` (or `Token <key>`).",
        }
