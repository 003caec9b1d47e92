"""Passwords: the signed-in change, the reset by e-mail link, the forgotten login."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from kiosque.accounts.flows import forgotten_login, password_change, reset, throttle
from kiosque.accounts.forms import EmailForm, NewPasswordForm, PasswordChangeForm
from kiosque.accounts.views._common import policy_context
from kiosque.core import ratelimit

RESET_VALID_UNTIL = "_kiosque_reset_valid_until"


@sensitive_post_parameters()
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change(request):
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    status = 200
    refusal_message = ""
    if request.method == "POST":
        # Guessing the current password here is throttled like the sign-in.
        key = throttle.account_key(user)
        refusal = throttle.check(key, throttle.account_limits())
        if refusal is not None:
            form = PasswordChangeForm(user)
            refusal_message = refusal.message()
            status = 429
        elif form.is_valid():
            ended = password_change.change_signed_in(request, form.cleaned_data["new_password1"])
            messages.success(request, _("Votre mot de passe a été modifié."))
            if ended:
                messages.info(request, _("Vos autres sessions ont été fermées."))
            return redirect("accounts:password_change")
        elif "old_password" in form.errors:
            throttle.record_failure(key, throttle.account_limits())
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "refusal_message": refusal_message, **policy_context()},
        status=status,
    )


@never_cache
@ratelimit.limit("password_reset.ip")
@require_http_methods(["GET", "POST"])
def reset_request(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        valid_until = reset.request_reset(request, form.cleaned_data["email"])
        request.session[RESET_VALID_UNTIL] = valid_until.timestamp()
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset_request.html", {"form": form})


@require_GET
def reset_sent(request):
    stamp = request.session.get(RESET_VALID_UNTIL)
    if stamp is None:
        return redirect("accounts:password_reset")
    valid_until = datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone())
    return render(request, "accounts/password_reset_sent.html", {"valid_until": valid_until})


@never_cache
@ratelimit.limit("password_reset.link", methods=("GET",))
@require_GET
def reset_link(request, token):
    """The link from the e-mail: keep the token in the session, leave the URL at once."""
    reset.remember_token(request, token)
    return redirect("accounts:password_reset_form")


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def reset_form(request):
    row = reset.pending_token(request)
    if row is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = NewPasswordForm(row.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if reset.complete(request, row, form.cleaned_data["new_password1"]):
            return render(request, "accounts/password_reset_done.html")
        return render(request, "accounts/password_reset_invalid.html", status=400)
    return render(request, "accounts/password_reset_form.html", {"form": form, **policy_context()})


@never_cache
@ratelimit.limit("forgotten_login.ip")
@require_http_methods(["GET", "POST"])
def forgotten_login_request(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        forgotten_login.send_login(request, form.cleaned_data["email"])
        return redirect("accounts:forgotten_login_sent")
    return render(request, "accounts/forgotten_login.html", {"form": form})


@require_GET
def forgotten_login_sent(request):
    return render(request, "accounts/forgotten_login_sent.html")
