"""The passkey endpoints the page scripts call (static/mfa/js/passkey.js).

Each ceremony is two POSTs: the options (a new challenge in the session), then the
browser's answer. Answers are JSON: {"publicKey": ...}, {"redirect": url} or
{"error": message, "errors": {field: [messages]}}. CSRF applies as to any form.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kiosque.accounts.flows import stages
from kiosque.accounts.flows.stages import Stage
from kiosque.accounts.views._common import safe_next
from kiosque.core import ratelimit
from kiosque.mfa import messages as texts
from kiosque.mfa import passkeys
from kiosque.mfa.flows import methods, passkey_signin, stage_state, step_up
from kiosque.mfa.flows import passkey as passkey_flow
from kiosque.mfa.forms import AssertionForm, PasskeyForm
from kiosque.mfa.models import Passkey
from kiosque.mfa.passkeys import PasskeyError, Purpose
from kiosque.mfa.views.common import confirm_password


def _options(options_json: str) -> JsonResponse:
    return JsonResponse({"publicKey": json.loads(options_json)})


def _error(message, *, status=400, errors=None) -> JsonResponse:
    return JsonResponse({"error": str(message), "errors": errors or {}}, status=status)


def _redirect(response) -> JsonResponse:
    return JsonResponse({"redirect": response["Location"]})


# --- Gestionnaire 2ndFA ------------------------------------------------------------------


@login_required
@never_cache
@require_POST
def enrol_options(request):
    return _options(passkeys.registration_options(request, request.user))


@login_required
@never_cache
@require_POST
def enrol(request):
    form = PasskeyForm(request.POST, user=request.user)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return _error(next(iter(errors.values()))[0], errors=errors)
    try:
        passkey_flow.enrol(
            request, request.user, form.cleaned_data["credential"], name=form.cleaned_data["name"]
        )
    except PasskeyError as error:
        return _error(texts.passkey_error(error.failure))
    messages.success(request, texts.PASSKEY_ADDED)
    return JsonResponse({"redirect": reverse("mfa:manage")})


# --- the second-factor stage -------------------------------------------------------------


def _stage_user(request):
    state = stages.serving(request, Stage.SECOND_FACTOR)
    if state is None or not state.user.is_active:
        return None, None
    if methods.PASSKEY not in methods.available(state.user):
        return state, None
    return state, state.user


@never_cache
@require_POST
def stage_options(request):
    state, user = _stage_user(request)
    if user is None:
        return _error(texts.LOGIN_EXPIRED, status=403)
    return _options(passkeys.authentication_options(request, Purpose.SECOND_FACTOR, user))


@never_cache
@require_POST
def stage_verify(request):
    state, user = _stage_user(request)
    if user is None:
        return _error(texts.LOGIN_EXPIRED, status=403)
    form = AssertionForm(request.POST)
    if not form.is_valid():
        return _error(texts.PASSKEY_NOT_RECOGNISED)
    try:
        passkey_flow.verify_second_factor(request, user, form.cleaned_data["credential"])
    except passkey_flow.TooManyAttempts as limited:
        return _error(ratelimit.wait_message(limited.retry_after), status=429)
    except PasskeyError as error:
        return _error(texts.passkey_error(error.failure))
    stage_state.clear(request)
    return _redirect(
        stages.complete(request, Stage.SECOND_FACTOR, method=methods.PASSKEY, user=user)
    )


# --- step-up (flows/step_up.py) ---------------------------------------------------------


def _step_up_state(request):
    state = step_up.current(request)
    if state is None or methods.PASSKEY not in step_up.offered(request.user, state.level):
        return None
    return state


@login_required
@never_cache
@require_POST
def step_up_options(request):
    if _step_up_state(request) is None:
        return _error(texts.LOGIN_EXPIRED, status=403)
    return _options(passkeys.authentication_options(request, Purpose.SECOND_FACTOR, request.user))


@login_required
@never_cache
@require_POST
def step_up_verify(request):
    state = _step_up_state(request)
    if state is None:
        return _error(texts.LOGIN_EXPIRED, status=403)
    form = AssertionForm(request.POST)
    if not form.is_valid():
        return _error(texts.PASSKEY_NOT_RECOGNISED)
    try:
        passkey_flow.verify_second_factor(request, request.user, form.cleaned_data["credential"])
    except passkey_flow.TooManyAttempts as limited:
        return _error(ratelimit.wait_message(limited.retry_after), status=429)
    except PasskeyError as error:
        return _error(texts.passkey_error(error.failure))
    return JsonResponse({"redirect": step_up.complete(request, state, methods.PASSKEY)})


# --- passwordless sign-in (login page) ---------------------------------------------------


@never_cache
@require_POST
def login_options(request):
    return _options(passkeys.authentication_options(request, Purpose.PASSWORDLESS))


@never_cache
@require_POST
def login(request):
    form = AssertionForm(request.POST)
    if not form.is_valid():
        return _error(texts.PASSKEY_NOT_RECOGNISED)
    try:
        passkey = passkey_flow.verify_passwordless(request, form.cleaned_data["credential"])
    except passkey_flow.TooManyAttempts as limited:
        return _error(ratelimit.wait_message(limited.retry_after), status=429)
    except PasskeyError as error:
        return _error(texts.passkey_error(error.failure))
    next_url = safe_next(request, request.POST.get("next"))
    result = passkey_signin.sign_in(request, passkey.user, next_url=next_url)
    if result.response is None:
        return _error(result.error, status=403)
    return _redirect(result.response)


# --- deletion ----------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete(request, pk: int):
    passkey = get_object_or_404(Passkey, pk=pk, user=request.user)
    form, limited = confirm_password(request)
    if form.is_bound and form.is_valid() and not limited:
        passkey_flow.remove(request, request.user, passkey)
        messages.success(
            request, _("La clé d'accès « %(name)s » a été supprimée.") % {"name": passkey.name}
        )
        return redirect("mfa:manage")
    return render(
        request, "mfa/delete_passkey.html", {"form": form, "device": passkey, "limited": limited}
    )
