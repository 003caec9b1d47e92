"""What the second-factor stage and step-up share: choosing a means, sending a mailed
code, checking a typed code, and the re-authentication before a means is removed."""

from django.contrib import messages
from django.shortcuts import render

from kiosque.core import ratelimit
from kiosque.mfa import messages as texts
from kiosque.mfa.flows import mail_code, methods, stage_state, totp_login
from kiosque.mfa.forms import CodeForm, PasswordConfirmForm
from kiosque.mfa.verification import ResendRefused


def choose(request, state, user, method: str) -> None:
    stage_state.put(request, state, method=method)
    if method == methods.MAIL_CODE and not stage_state.get(request, state, "mail_sent"):
        stage_state.put(request, state, mail_sent=True)
        resend(request, state, user, first=True)


def resend(request, state, user, *, first: bool = False) -> None:
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


def verify(request, state, user, method: str, code: str) -> str | None:
    """None when the code is accepted, else the message to show next to the field."""
    if method == methods.TOTP:
        outcome, retry_after = totp_login.verify(user, code, request=request)
        return texts.totp_error(outcome, retry_after)
    result = mail_code.verify(user, code, attempt=state.attempt_id, request=request)
    return texts.mail_code_error(result)


def code_page(request, state, user, method: str, *, action: str, on_success, context=None):
    """The code page of `method` (TOTP or mailed code): a posted code (action "verify")
    is checked against `state`'s attempt; accepted, the answer is `on_success()`; else the
    page again, the message next to the field and the typed value kept."""
    form = CodeForm(request.POST if action == "verify" else None, initial={"method": method})
    if action == "verify" and form.is_valid():
        if form.cleaned_data["method"] != method:
            form.add_error("code", texts.STALE_FORM)
        else:
            error = verify(request, state, user, method, form.cleaned_data["code"])
            if error is None:
                return on_success()
            form.add_error("code", error)
    return render(
        request,
        "mfa/code.html",
        {
            **(context or {}),
            "form": form,
            "method": method,
            "lifetime": mail_code.LOGIN_CODES.lifetime_seconds,
        },
    )


def confirm_password(request):
    """The re-authentication before a second factor (or the Pro Santé Connect link) is
    removed: (form, limited message).

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
