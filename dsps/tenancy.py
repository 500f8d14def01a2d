"""The one place tenancy is decided: who may see which rows.

Every DSP-owned model declares how it reaches its DSP (`TENANT_PATH`, a lookup path such as
"dsp" or "route__dsp") and, when drivers may see some of its rows, how it reaches the driver's
user (`DRIVER_PATH`, e.g. "driver__user") or that drivers see all of their DSP's rows
(`DRIVER_SEES_DSP_ROWS = True`). Reference data every signed-in user may read says
`SHARED_REFERENCE = True`; program-side data only staff see says `STAFF_ONLY = True`. A model
that declares none of these cannot be scoped, and asking for it is a programming error, not an
empty page.

Views and APIs use `scope_to_user`, `get_for_user_or_404`, `role_required` /
`RoleRequiredMixin` and the DRF classes at the bottom; none filters by DSP on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import permissions

from .models import DSP_MANAGER_ROLES, Dsp, Membership, Role

M = TypeVar("M", bound=models.Model)
_CACHE_ATTR = "_nextmile_membership"


def membership_of(user) -> Membership | None:
    """The user's active membership, fetched once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, _CACHE_ATTR):
        membership = (
            Membership.objects.select_related("dsp", "dsp__station")
            .filter(user=user, is_active=True)
            .first()
        )
        setattr(user, _CACHE_ATTR, membership)
    return getattr(user, _CACHE_ATTR)


def act_through_key(user, key) -> None:
    """Scope a request signed with an API key: the key's DSP, at most the key's role."""
    membership = membership_of(user)
    if membership is None:
        return
    role = membership.role
    if role != Role.PROGRAM_STAFF:
        role = Role.OWNER if key.scope == "owner" else Role.DISPATCHER
    # An unsaved stand-in: scoping reads only role and dsp, and nothing ever saves it.
    setattr(user, _CACHE_ATTR, Membership(user=user, dsp=membership.dsp, role=role))


def role_of(user) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def is_program_staff(user) -> bool:
    return role_of(user) == Role.PROGRAM_STAFF


def dsp_of(user) -> Dsp | None:
    """The DSP the user works for (None for program staff and strangers)."""
    membership = membership_of(user)
    return membership.dsp if membership else None


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def scope_to_user(queryset: QuerySet[M], user) -> QuerySet[M]:
    """Narrow `queryset` to the rows `user` may see: the one scoping rule of the project."""
    model = queryset.model
    role = role_of(user)
    if role is None:
        return queryset.none()
    if role == Role.PROGRAM_STAFF or getattr(model, "SHARED_REFERENCE", False):
        return queryset
    if getattr(model, "STAFF_ONLY", False):
        return queryset.none()
    tenant_path = getattr(model, "TENANT_PATH", None)
    if tenant_path is None:
        raise ImproperlyConfigured(
            f"{model.__name__} declares no TENANT_PATH or SHARED_REFERENCE; it cannot be scoped."
        )
    dsp = dsp_of(user)
    scoped = queryset.filter(**{tenant_path: dsp.pk})
    if role in DSP_MANAGER_ROLES:
        return scoped
    driver_path = getattr(model, "DRIVER_PATH", None)
    if driver_path:
        return scoped.filter(**{driver_path: user.pk})
    if getattr(model, "DRIVER_SEES_DSP_ROWS", False):
        return scoped
    return queryset.none()


def get_for_user_or_404(model_or_queryset: type[M] | QuerySet[M], user, **lookup) -> M:
    """Fetch one row the user may see, or 404 — another DSP's row looks like no row at all."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    return get_object_or_404(scope_to_user(queryset, user), **lookup)


def require_role(user, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of `roles`."""
    if not has_role(user, *roles):
        raise PermissionDenied("Your role does not allow this.")


def dsp_for_write(user) -> Dsp:
    """The DSP a member writes for: always their own, never one named in the request."""
    dsp = dsp_of(user)
    if dsp is None:
        raise PermissionDenied("Only members of a DSP can do this.")
    return dsp


# --- Pages ---------------------------------------------------------------------------------


def role_required(*roles: str, power: str | None = None) -> Callable:
    """Decorator for function views: signed in, and one of `roles` (any role if none given).

    With `power`, a DSP member's POST also needs a DSP whose status holds it (`dsp_may`).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles:
                require_role(request.user, *roles)
            elif membership_of(request.user) is None:
                raise PermissionDenied("Your account has no role yet.")
            if power and request.method not in permissions.SAFE_METHODS:
                require_power_of_member(request.user, power)
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        wrapped.dsp_power = power
        return wrapped

    return decorator


class RoleRequiredMixin(LoginRequiredMixin):
    """Class-based views: signed in, one of `allowed_roles`, and querysets already scoped."""

    allowed_roles: Iterable[str] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if self.allowed_roles:
                require_role(request.user, *self.allowed_roles)
            elif membership_of(request.user) is None:
                raise PermissionDenied("Your account has no role yet.")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return scope_to_user(super().get_queryset(), self.request.user)


# --- API -----------------------------------------------------------------------------------


class HasRole(permissions.BasePermission):
    """DRF permission: the view's `allowed_roles` (reads) and `write_roles` (unsafe methods).

    `dsp_powers = {action or method: power}` also refuses those writes to a member of a DSP
    whose status does not hold the power (before the body is read).
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if membership_of(request.user) is None:
            return False
        roles = getattr(view, "allowed_roles", ())
        if request.method not in permissions.SAFE_METHODS:
            roles = getattr(view, "write_roles", roles)
        if roles and not has_role(request.user, *roles):
            return False
        if request.method not in permissions.SAFE_METHODS:
            powers = getattr(view, "dsp_powers", {})
            power = powers.get(getattr(view, "action", None) or request.method.lower())
            if power:
                require_power_of_member(request.user, power)
        return True


class TenantScopedAPIMixin:
    """Every project API view derives from this: role check plus the one scoping rule."""

    permission_classes = [permissions.IsAuthenticated, HasRole]
    allowed_roles: Iterable[str] = ()

    def get_queryset(self):
        return scope_to_user(super().get_queryset(), self.request.user)


# --- What a DSP's status lets its members do -------------------------------------------------
# The one rule for writes that spend money, touch people outside the DSP or reach the day's
# routes. Reads stay governed by `scope_to_user`; an applying DSP still completes onboarding.
LEASE, ORDER, HIRE, WEBHOOK, IMPORT, PLAN = "lease", "order", "hire", "webhook", "import", "plan"
_POWER_LABEL = {
    LEASE: "lease vans",
    ORDER: "place supply orders",
    HIRE: "hire drivers",
    WEBHOOK: "manage webhooks",
    IMPORT: "import manifests",
    PLAN: "plan routes",
}
POWERS_BY_STATUS: dict[str, frozenset[str]] = {
    Dsp.Status.APPLYING: frozenset(),
    Dsp.Status.ACTIVE: frozenset(_POWER_LABEL),
    Dsp.Status.SUSPENDED: frozenset(),
    Dsp.Status.REJECTED: frozenset(),
    Dsp.Status.TERMINATED: frozenset(),
}


def dsp_may(dsp: Dsp | None, power: str) -> bool:
    """True when a DSP in its current status holds `power` (one of the constants above)."""
    if power not in _POWER_LABEL:
        raise ImproperlyConfigured(f"Unknown DSP power {power!r}.")
    return dsp is not None and power in POWERS_BY_STATUS.get(dsp.status, frozenset())


def require_dsp_power(dsp: Dsp | None, power: str) -> None:
    """Refuse (PermissionDenied) a write the DSP's status does not allow, naming the status."""
    if not dsp_may(dsp, power):
        status = dsp.get_status_display().lower() if dsp is not None else "no"
        raise PermissionDenied(
            f"Only an active DSP can {_POWER_LABEL[power]}; this DSP is {status}."
        )


def require_power_of_member(user, power: str) -> None:
    """Program staff act for the program; a DSP member needs their DSP to hold `power`."""
    if not is_program_staff(user):
        require_dsp_power(dsp_of(user), power)
