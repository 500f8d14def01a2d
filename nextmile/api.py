"""API plumbing shared by every app: errors from services become 400s keyed by field, and
every other refusal carries a stable `code` beside its `detail`."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, filters, metadata, pagination, parsers, renderers
from rest_framework.request import clone_request

OCTET_STREAM = "application/octet-stream"


def exception_handler(exc, context):
    """Turn a service's `django.core.exceptions.ValidationError` into a DRF 400."""
    # Imported here: DRF's settings name this module's parser and pagination, and
    # rest_framework.views reads them while it loads, so this module must not import it first.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, exceptions.ValidationError)
        and isinstance(response.data, list)
    ):
        # `raise ValidationError("…")` in a view: a message about the whole request.
        response.data = {"non_field_errors": response.data}
    if (
        response is not None
        and isinstance(exc, exceptions.ValidationError)
        and isinstance(response.data, dict)
    ):
        # One shape for clients: every field maps to a list of messages, even when a view
        # raised a single sentence.
        response.data = {
            field: [messages] if isinstance(messages, str) else messages
            for field, messages in response.data.items()
        }
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = _stable_code(exc)
    return response


def _stable_code(exc) -> str:
    if isinstance(exc, Http404):
        return "not_found"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            return codes
    return getattr(exc, "default_code", "error")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with JSON nested too deeply to decode answered 400 (not a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None


class Metadata(metadata.SimpleMetadata):
    """DRF's OPTIONS answer, without fetching an object for PUT: endpoints such as the incentive
    table are one resource with no `pk` in the URL, and DRF's own check asserted on them (500)."""

    def determine_actions(self, request, view):
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
                actions[method] = self.get_serializer_info(view.get_serializer())
            except (exceptions.APIException, PermissionDenied, Http404):
                pass
            finally:
                view.request = request
        return actions


class Pagination(pagination.PageNumberPagination):
    """Page-number pages, `page_size` up to 200; a page or size that does not exist is a 400
    naming the parameter (DRF answers 404, which reads as "no such endpoint" to a client)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({"page": [str(exc.detail)]}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class OrderingFilter(filters.OrderingFilter):
    """DRF's ordering, with an unknown field refused as a 400 instead of silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            unknown = [f for f in fields if f.lstrip("-") not in valid]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(unknown)}; "
                            f"choose from {', '.join(sorted(valid))}."
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)


# --- Downloads ------------------------------------------------------------------------------


class FileRenderer(renderers.BaseRenderer):
    """Lets a client ask for a download's type in `Accept`. The views send the file
    themselves; only a refusal is rendered here, and it stays the JSON error body."""

    media_type = OCTET_STREAM
    format = "bin"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data)


class CsvRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ImageRenderer(FileRenderer):
    media_type = "image/*"
    format = "image"


def file_renderers(renderer: type[FileRenderer]) -> list:
    """A download view's renderers: JSON for refusals, its file type, and plain bytes."""
    return [renderers.JSONRenderer, renderer, FileRenderer]


def file_schema(media_type: str, description: str) -> dict:
    """`extend_schema(responses=…)` for a download: its own type first and, for binary files,
    `application/octet-stream` too (the same bytes, for generators that know no other type)."""
    kind = OpenApiTypes.STR if media_type.startswith("text/") else OpenApiTypes.BINARY
    types = [media_type] if media_type.startswith("text/") else [media_type, OCTET_STREAM]
    return {(200, t): OpenApiResponse(kind, description=description) for t in types}


def file_response(request, body, *, media_type: str, filename: str = ""):
    """Send a download: bytes or text, or an already built `FileResponse` (a stored upload).

    Labelled with its own type, or `application/octet-stream` when the client asked for that.
    """
    content_type = OCTET_STREAM if request.accepted_media_type == OCTET_STREAM else media_type
    if isinstance(body, FileResponse):
        if content_type == OCTET_STREAM:
            body["Content-Type"] = OCTET_STREAM
        return body
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
