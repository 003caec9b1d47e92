"""The second-factor stage of the sign-in, and the "Gestionnaire 2ndFA" pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kiosque.accounts.flows import stages
from kiosque.accounts.flows.stages import Stage
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import ratelimit
from kiosque.mfa import messages as texts
from kiosque.mfa import totp
from kiosque.mfa.flows import devices, enrol, mail_code, methods, stage_state, step_up, totp_login
from kiosque.mfa.forms import CodeForm, EnrolForm, PasskeyForm, PasswordConfirmForm
from kiosque.mfa.models import Passkey, TOTPDevice
from kiosque.mfa.verification import ResendRefused

# --- the sign-in stage -------------------------------------------------------------------


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

    # One read of the devices serves both the methods offered and the code check.
    prefetch_related_objects([user], "totp_devices", "passkeys")
    available = methods.available(user)
    if not available:
        return _blocked(request, user)
    if action == "choose" and request.POST.get("method") in available:
        # The chosen method's page answers this POST (same address, no redirect): choosing
        # again, as a reload does, changes nothing and mails no second code.
        _choose(request, state, user, request.POST["method"])
    if action == "change" and len(available) > 1:
        stage_state.put(request, state, method=None)
        return redirect("mfa:second_factor")

    method = stage_state.get(request, state, "method")
    if method not in available:
        if len(available) > 1:
            return render(request, "mfa/choose.html", {"methods": available})
        method = available[0]
        _choose(request, state, user, method)

    if method == methods.PASSKEY:
        return render(
            request, "mfa/passkey.html", {"can_change": len(available) > 1, "method": method}
        )
    if action == "resend" and method == methods.MAIL_CODE:
        _resend(request, state, user)
        return redirect("mfa:second_factor")

    form = CodeForm(request.POST if action == "verify" else None, initial={"method": method})
    if action == "verify" and form.is_valid():
        if form.cleaned_data["method"] != method:
            form.add_error("code", texts.STALE_FORM)
        else:
            error = _verify(request, state, user, method, form.cleaned_data["code"])
            if error is None:
                stage_state.clear(request)
                return stages.complete(request, Stage.SECOND_FACTOR, method=method, user=user)
            form.add_error("code", error)
    return render(
        request,
        "mfa/code.html",
        {
            "form": form,
            "method": method,
            "can_change": len(available) > 1,
            "lifetime": mail_code.LOGIN_CODES.lifetime_seconds,
        },
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


def _choose(request, state, user, method: str) -> None:
    stage_state.put(request, state, method=method)
    if method == methods.MAIL_CODE and not stage_state.get(request, state, "mail_sent"):
        stage_state.put(request, state, mail_sent=True)
        _resend(request, state, user, first=True)


def _resend(request, state, user, *, first: bool = False) -> None:
    try:
        mail_code.send(user, attempt=state.attempt_id, request=request)
    except ResendRefused as refused:
        if refused.too_many:
            messages.error(request, texts.too_many_codes(refused.retry_after))
        elif first:
            messages.info(request, texts.RECENT_CODE_STILL_VALID)
        else:
            messages.error(request, texts.resend_wait(refused.retry_after))
        return
    if not first:
        messages.success(request, texts.NEW_CODE_SENT)


def _verify(request, state, user, method: str, code: str) -> str | None:
    """None when the code is accepted, else the message to show next to the field."""
    if method == methods.TOTP:
        outcome, retry_after = totp_login.verify(user, code, request=request)
        return texts.totp_error(outcome, retry_after)
    result = mail_code.verify(user, code, attempt=state.attempt_id, request=request)
    return texts.mail_code_error(result)


# --- step-up: a stronger means for an application ------------------------------------


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
    prefetch_related_objects([user], "totp_devices", "passkeys")
    offered = step_up.offered(user, state.level)
    context = {"step_up": state, "can_change": len(offered) > 1}
    if not offered:
        return render(request, "mfa/step_up_enrol.html", context, status=403)
    if action == "choose" and request.POST.get("method") in offered:
        _choose(request, state, user, request.POST["method"])
        return redirect("mfa:step_up")
    if action == "change" and len(offered) > 1:
        stage_state.put(request, state, method=None)
        return redirect("mfa:step_up")
    method = stage_state.get(request, state, "method")
    if method not in offered:
        if len(offered) > 1:
            return render(request, "mfa/choose.html", {**context, "methods": offered})
        method = offered[0]
        _choose(request, state, user, method)
    if method == methods.PASSKEY:
        return render(request, "mfa/passkey.html", {**context, "method": method})
    if action == "resend" and method == methods.MAIL_CODE:
        _resend(request, state, user)
        return redirect("mfa:step_up")
    form = CodeForm(request.POST if action == "verify" else None, initial={"method": method})
    if action == "verify" and form.is_valid():
        if form.cleaned_data["method"] != method:
            form.add_error("code", texts.STALE_FORM)
        else:
            error = _verify(request, state, user, method, form.cleaned_data["code"])
            if error is None:
                return redirect(step_up.complete(request, state, method))
            form.add_error("code", error)
    return render(
        request,
        "mfa/code.html",
        {
            **context,
            "form": form,
            "method": method,
            "lifetime": mail_code.LOGIN_CODES.lifetime_seconds,
        },
    )


# --- Gestionnaire 2ndFA ------------------------------------------------------------------


@login_required
@never_cache
def manage(request):
    return render(
        request,
        "mfa/manage.html",
        {
            "devices": TOTPDevice.objects.filter(user=request.user),
            "passkeys": Passkey.objects.filter(user=request.user),
            "passkey_form": PasskeyForm(user=request.user),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def add_totp(request):
    user = request.user
    secret = enrol.pending_secret(request)
    form = EnrolForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        device = enrol.confirm(
            request, user, name=form.cleaned_data["name"], code=form.cleaned_data["code"]
        )
        if device is not None:
            messages.success(request, _("Votre second facteur a été enregistré"))
            return redirect("mfa:manage")
        form.add_error("code", texts.ENROL_WRONG_CODE)
    uri = totp.provisioning_uri(secret, user.get_username())
    return render(
        request,
        "mfa/add_totp.html",
        {
            "form": form,
            "qr_svg": totp.qr_svg(uri, title=_("QR code de votre nouvelle clef TOTP")),
            "grouped_key": totp.grouped(secret),
        },
    )


def confirm_password(request):
    """The re-authentication before a second factor is deleted: (form, limited message).

    The form is valid when the password was right; rate mfa.delete_password per user.
    """
    user = request.user
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method != "POST":
        return form, ""
    attempt = ratelimit.hit(f"user:{user.pk}", "mfa.delete_password")
    if not attempt.allowed:
        return PasswordConfirmForm(user=user), ratelimit.wait_message(attempt.retry_after)
    return form, ""


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_totp(request, pk: int):
    user = request.user
    device = get_object_or_404(TOTPDevice, pk=pk, user=user)
    if devices.is_last_required_device(user):
        messages.error(request, texts.STAFF_KEEPS_LAST_DEVICE)
        return redirect("mfa:manage")
    form, limited = confirm_password(request)
    if form.is_bound and form.is_valid() and not limited:
        devices.remove(request, user, device)
        messages.success(
            request, _("Le second facteur « %(name)s » a été supprimé.") % {"name": device.name}
        )
        return redirect("mfa:manage")
    return render(
        request, "mfa/delete_totp.html", {"form": form, "device": device, "limited": limited}
    )
