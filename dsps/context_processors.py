"""The signed-in user's role and DSP for navigation.

Templates ask the named predicates (`is_owner`, `is_dsp_manager`, ...), never compare role strings.
"""

from .models import DSP_MANAGER_ROLES, Role
from .selectors import dsp_suspension_notice
from .tenancy import membership_of


def tenancy(request):
    membership = membership_of(getattr(request, "user", None))
    role = membership.role if membership else None
    return {
        "membership": membership,
        "current_role": role,
        "current_dsp": membership.dsp if membership else None,
        "is_program_staff": role == Role.PROGRAM_STAFF,
        "is_owner": role == Role.OWNER,
        "is_dsp_manager": role in DSP_MANAGER_ROLES,
        "is_driver": role == Role.DRIVER,
        # The market assessment is for staff and owners weighing growth (billing.web.views.market).
        "can_assess_market": role in (Role.PROGRAM_STAFF, Role.OWNER),
        "Role": Role,
        # Compliance suspensions: every page of the DSP's people says so (no extra query).
        "suspension_notice": dsp_suspension_notice(membership.dsp if membership else None, role),
    }
