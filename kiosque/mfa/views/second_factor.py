"""The second-factor stage of the sign-in."""

from django.conf import settings
from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kiosque.accounts.flows import stages
from kiosque.accounts.flows.stages import Stage
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.mfa import messages as texts
from kiosque.mfa.flows import methods, stage_state
from kiosque.mfa.views import common


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request):
    state = stages.serving(request, Stage.SECOND_FACTOR)
    if state is None:
        if request.method == "POST" and stages.current(request) is None:
            messages.error(request, texts.LOGIN_EXPIRED)
        return stages.redirect_to_open_stage(request)
    user = state.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "cancel":
        return _cancel(request)

    # One read of the TOTP devices serves both the methods offered and the code check. A
    # code posted for the chosen method, or a method chosen, needs no other method read: the
    # passkeys are read when the choice is drawn, or when the code page comes back and its
    # "choose another" button depends on them.
    prefetch_related_objects([user], "totp_devices")
    chosen = request.POST.get("method") if action == "choose" else None
    if chosen in methods.CODE_METHODS and methods.offers(user, chosen):
        # The chosen method's page answers this POST (same address, no redirect): choosing
        # again, as a reload does, changes nothing and mails no second code.
        common.choose(request, state, user, chosen)
        return _code_page(request, state, user, chosen, action)
    method = stage_state.get(request, state, "method")
    if action == "verify" and method in methods.CODE_METHODS and methods.offers(user, method):
        return _code_page(request, state, user, method, action)
    prefetch_related_objects([user], "passkeys")
    available = methods.available(user)
    if not available:
        return _blocked(request, user)
    if action == "choose" and request.POST.get("method") in available:
        common.choose(request, state, user, request.POST["method"])
    if action == "change" and len(available) > 1:
        stage_state.put(request, state, method=None)
        return redirect("mfa:second_factor")

    method = stage_state.get(request, state, "method")
    if method not in available:
        if len(available) > 1:
            return render(request, "mfa/choose.html", {"methods": available})
        method = available[0]
        common.choose(request, state, user, method)

    if method == methods.PASSKEY:
        return render(
            request, "mfa/passkey.html", {"can_change": len(available) > 1, "method": method}
        )
    if action == "resend" and method == methods.MAIL_CODE:
        common.resend(request, state, user)
        return redirect("mfa:second_factor")
    return _code_page(request, state, user, method, action)


def _code_page(request, state, user, method: str, action: str):
    def signed_in():
        stage_state.clear(request)
        return stages.complete(request, Stage.SECOND_FACTOR, method=method, user=user)

    return common.code_page(
        request,
        state,
        user,
        method,
        action=action,
        on_success=signed_in,
        # Called by the template only if the page is drawn (not when the code signs in).
        context={"can_change": lambda: methods.several(user)},
    )


def _cancel(request):
    stage_state.clear(request)
    stages.cancel(request)
    return redirect(settings.LOGIN_URL)


def _blocked(request, user):
    record(
        AuditAction.MFA_FAILED,
        request=request,
        actor=user,
        target=user,
        outcome=AuditOutcome.DENIED,
        context={"reason": "no_method_available"},
    )
    message = texts.STAFF_NEEDS_TOTP if methods.staff_requires_totp(user) else texts.NO_METHOD
    return render(request, "mfa/blocked.html", {"message": message}, status=403)
