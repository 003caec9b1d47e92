"""Step-up: a stronger means for an application (flows/step_up.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kiosque.mfa import levels
from kiosque.mfa.flows import methods, stage_state, step_up
from kiosque.mfa.views import common


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def step_up_view(request):
    """The second-factor stage's pages and checks, for a signed-in session that an
    application asks to authenticate more strongly (flows/step_up.py)."""
    state = step_up.current(request)
    if state is None:
        return redirect(settings.LOGIN_REDIRECT_URL)
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "cancel":
        step_up.cancel(request)
        return redirect(settings.LOGIN_REDIRECT_URL)
    if levels.at_least(state.level, levels.EIDAS1):
        return _pro_sante_connect(request, state)
    prefetch_related_objects([user], "totp_devices", "passkeys")
    offered = step_up.offered(user, state.level)
    context = {"step_up": state, "can_change": len(offered) > 1}
    if not offered:
        return render(request, "mfa/step_up_enrol.html", context, status=403)
    if action == "choose" and request.POST.get("method") in offered:
        common.choose(request, state, user, request.POST["method"])
        return redirect("mfa:step_up")
    if action == "change" and len(offered) > 1:
        stage_state.put(request, state, method=None)
        return redirect("mfa:step_up")
    method = stage_state.get(request, state, "method")
    if method not in offered:
        if len(offered) > 1:
            return render(request, "mfa/choose.html", {**context, "methods": offered})
        method = offered[0]
        common.choose(request, state, user, method)
    if method == methods.PASSKEY:
        return render(request, "mfa/passkey.html", {**context, "method": method})
    if action == "resend" and method == methods.MAIL_CODE:
        common.resend(request, state, user)
        return redirect("mfa:step_up")
    return common.code_page(
        request,
        state,
        user,
        method,
        action=action,
        on_success=lambda: redirect(step_up.complete(request, state, method)),
        context=context,
    )


def _pro_sante_connect(request, state):
    """eidas1: only Pro Santé Connect reaches it. Offered when the account is linked to
    PSC (kiosque.oidc.views.psc.step_up_start checks the identity PSC returns); else the
    explanation, with the way to link it."""
    from kiosque.oidc import psc

    linked = psc.enabled() and psc.active_link(request.user) is not None
    return render(
        request,
        "mfa/step_up_psc.html",
        {"step_up": state, "linked": linked, "psc_enabled": psc.enabled()},
        status=200 if linked else 403,
    )
