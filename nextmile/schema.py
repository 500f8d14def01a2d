"""OpenAPI generation: one content type per operation, tags per app, and the errors every
endpoint can give as shared components that each operation references."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

JSON = "application/json"
MULTIPART = "multipart/form-data"

# Status → (shared response component, description). Every operation references these.
COMMON_ERRORS = {
    "400": (
        "ValidationError",
        "Invalid input: messages keyed by field (also a bad page, page size or ordering).",
    ),
    "401": (
        "Unauthorized",
        "No valid API key or session (the `WWW-Authenticate` header names the scheme).",
    ),
    "403": ("Forbidden", "Signed in, but the role does not allow this."),
    "404": ("NotFound", "No such object, or it belongs to another DSP."),
    "429": ("Throttled", "Over the key's rate limit; `Retry-After` gives the seconds to wait."),
}
ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Any refusal that is not about one field.",
        "properties": {
            "detail": {"type": "string", "description": "A sentence for a person."},
            "code": {
                "type": "string",
                "description": "Stable, for programs: `not_authenticated`, "
                "`authentication_failed`, `permission_denied`, `not_found`, "
                "`method_not_allowed`, `unsupported_media_type`, `parse_error`, `conflict`, "
                "`request_in_progress`, `request_too_large`, `throttled`.",
            },
        },
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": "Field name → messages; `non_field_errors` for messages about the "
        "whole request.",
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {}},
                {"type": "string"},
                {"type": "object", "description": "A nested object's errors, keyed the same way."},
            ]
        },
        "example": {"service_date": ["Cannot plan a day that has passed."]},
    },
}


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Up to 100 characters of your choosing; a resend with the same key gets the "
    "first answer and does nothing again.",
)


class NextMileAutoSchema(AutoSchema):
    """drf-spectacular's schema, with one request content type and tags per app.

    A view may accept forms as well as JSON (browsers and tests post forms), but the published
    contract names one type: multipart where the request carries a file, JSON otherwise.
    """

    def map_parsers(self):
        media = super().map_parsers()
        if MULTIPART in media and (self._sends_file() or JSON not in media):
            return [MULTIPART]
        return [JSON] if JSON in media else media[:1]

    def _sends_file(self):
        serializer = self.get_request_serializer()
        if isinstance(serializer, type) and issubclass(serializer, serializers.BaseSerializer):
            serializer = serializer()
        fields = getattr(serializer, "fields", {})
        return any(isinstance(field, serializers.FileField) for field in fields.values())

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and getattr(self.view, "idempotent_posts", False):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "POST" and getattr(self.view, "idempotent_posts", False):
            # a twin sent while the first request with its key is answered, past the wait
            responses.setdefault("409", {"$ref": "#/components/responses/Conflict"})
        return responses

    def _get_format_parameters(self):
        # Downloads answer their file, or plain bytes when `Accept` asks: `?format=` is not part
        # of the contract (a generated client would grow a meaningless argument).
        return []

    def get_tags(self):
        if self.view.__module__.split(".")[0] in APP_TAGS:
            return [self.view.__module__.split(".")[0]]
        return super().get_tags()


APP_TAGS = (
    "analytics",
    "billing",
    "compliance",
    "drivers",
    "dsps",
    "fleet",
    "integrations",
    "network",
    "routes",
    "supplies",
)


def shared_errors_hook(result, generator, request, public):
    """Replace each operation's copy of an error response with a reference to one component.

    A response with its own shape (a manifest's row errors) keeps it.
    """
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(ERROR_SCHEMAS)
    responses = components.setdefault("responses", {})
    responses["Conflict"] = {
        "description": "Refused because of the state of things: `code` says which "
        "(`request_in_progress`: a twin with this Idempotency-Key is still being answered).",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for status, (name, description) in COMMON_ERRORS.items():
        schema = "ValidationError" if status == "400" else "Error"
        responses[name] = {
            "description": description,
            "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, (name, _) in COMMON_ERRORS.items():
                current = operation["responses"].get(status)
                if current is None or not _has_own_shape(current):
                    operation["responses"][status] = {"$ref": f"#/components/responses/{name}"}
    return result


def _has_own_shape(response):
    schema = response.get("content", {}).get(JSON, {}).get("schema", {})
    ref = schema.get("$ref", "")
    return bool(ref) and ref.rsplit("/", 1)[-1] not in ("Error", "ValidationError")


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
