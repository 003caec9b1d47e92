"""The staged sign-in: identifier + password, the forced password change, sign-out."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from kiosque.accounts import signout
from kiosque.accounts.flows import login as login_flow
from kiosque.accounts.flows import password_change, reauthentication, sessions, stages
from kiosque.accounts.forms import LoginForm, NewPasswordForm
from kiosque.accounts.models import PasswordChangeReason
from kiosque.accounts.views._common import policy_context, safe_next

REASON_MESSAGES = {
    PasswordChangeReason.TEMPORARY: gettext_lazy(
        "Votre mot de passe est temporaire : choisissez votre mot de passe personnel."
    ),
    PasswordChangeReason.EXPIRED: gettext_lazy(
        "Votre mot de passe a expiré (il est valable 4 mois) : choisissez-en un nouveau."
    ),
    PasswordChangeReason.REVIEWER: gettext_lazy(
        "L'équipe de la plateforme vous demande de changer votre mot de passe."
    ),
}


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    # An application asked for a fresh sign-in (prompt=login, max_age): the form, with the
    # signed-in account's login, instead of sending the browser back (a redirect loop).
    reauthenticating = reauthentication.required_after(request) is not None
    if request.user.is_authenticated and request.method == "GET" and not reauthenticating:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    initial = {"username": request.user.get_username()} if reauthenticating else None
    form = LoginForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = login_flow.authenticate(
            request, form.cleaned_data["username"], form.cleaned_data["password"], next_url
        )
        if result.response is not None:
            return result.response
        form.add_error(None, result.error)
        status = 429 if result.code == "throttled" else 200
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "reauthenticating": reauthenticating},
        status=status,
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_required(request):
    state = stages.serving(request, stages.Stage.PASSWORD_CHANGE)
    if state is None:
        if stages.current(request) is None:
            messages.error(request, _("Veuillez vous authentifier."))
        return stages.redirect_to_open_stage(request)
    if request.method == "POST" and not state.matches(request.POST.get("stage")):
        messages.error(request, _("Cette page n'était plus à jour : reprenez à l'étape affichée."))
        return stages.redirect_to_open_stage(request)
    user = state.user
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return password_change.change_at_stage(request, state, form.cleaned_data["new_password1"])
    reason = user.must_change_reason or (
        PasswordChangeReason.EXPIRED if login_flow.password_expired(user) else ""
    )
    return render(
        request,
        "accounts/password_change_required.html",
        {
            "form": form,
            "stage_nonce": state.nonce,
            "reason_message": REASON_MESSAGES.get(reason, ""),
            **policy_context(),
        },
    )


@require_POST
def logout(request):
    # Asked before the session ends: what the sign-in kept there says where to go.
    next_url = signout.redirect_url(request)
    sessions.logout(request, reason="user")
    stages.cancel(request)
    messages.success(request, _("Vous êtes déconnecté."))
    return redirect(next_url or settings.LOGIN_URL)


@never_cache
def admin_login(request, extra_context=None):
    """The Django admin signs in through the staged sign-in: no weaker path for staff."""
    next_url = safe_next(request, request.GET.get("next")) or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_staff:  # signed in: the account rule let it in
            return redirect(next_url)
        from kiosque.core.views import forbidden

        return forbidden(request)
    return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': next_url})}")
