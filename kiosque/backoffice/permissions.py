"""Back-office pages are for account managers ("Gestionnaire de comptes") only."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from kiosque.accounts import roles
from kiosque.audit.services import AuditAction, AuditOutcome, record


def is_account_manager(user) -> bool:
    return roles.has_role(user, roles.ACCOUNT_MANAGERS)


def account_manager_required(view):
    """Anonymous → the login page; signed in without the role → 403 (audited)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_account_manager(request.user):
            record(
                AuditAction.PERMISSION_DENIED,
                request=request,
                outcome=AuditOutcome.DENIED,
                context={"path": request.path[:200], "role": roles.ACCOUNT_MANAGERS},
            )
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
