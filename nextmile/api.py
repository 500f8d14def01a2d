"""API plumbing shared by every app: errors from services become 400s keyed by field, and
every other refusal carries a stable `code` beside its `detail`."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, metadata, parsers
from rest_framework.request import clone_request
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Turn a service's `django.core.exceptions.ValidationError` into a DRF 400."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    response = drf_exception_handler(exc, context)
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
