"""The pages of Pro Santé Connect as Kiosque's identity provider: the sign-in (start and
PSC's return), linking and unlinking from "Mon compte", the step-up to eidas1, and PSC's
back-channel logout.

One return address serves every purpose (PSC registers one redirect URI per client): what
the authorization was started for is kept in the session, with the user it was for.
"""

import logging

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from requests import RequestException

from kiosque.core import app_settings as core_settings
from kiosque.core import ratelimit
from kiosque.mfa.flows import step_up
from kiosque.oidc import psc
from kiosque.oidc.app_settings import psc_settings
from kiosque.oidc.flows import psc_link, psc_login, psc_logout

log = logging.getLogger("kiosque.oidc")
NEXT_SESSION_KEY = "_oidc_psc_next"
# What the authorization under way is for: {"purpose": LOGIN | LINK | STEP_UP, "user": pk}.
PURPOSE_SESSION_KEY = "_oidc_psc_purpose"
LOGIN, LINK, STEP_UP = "login", "link", "step_up"


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _failure(request, status=400, unusable=False):
    return render(request, "oidc/psc_failed.html", {"unusable": unusable}, status=status)


def _authorize(request, purpose: str, **extra):
    request.session[PURPOSE_SESSION_KEY] = {
        "purpose": purpose,
        "user": request.user.pk if request.user.is_authenticated else None,
    }
    redirect_uri = core_settings.BASE_URL + reverse("oidc:psc_callback")
    try:
        return psc.client().authorize_redirect(
            request, redirect_uri, acr_values=psc_settings.ACR_VALUES, **extra
        )
    except (RequestException, ValueError) as error:
        log.warning("Pro Santé Connect unreachable: %s", type(error).__name__)
        return _failure(request, status=502)


@never_cache
@ratelimit.limit("psc.start", backend="cache", methods=("GET",))
def start(request):
    if not psc.enabled():
        raise Http404
    request.session[NEXT_SESSION_KEY] = _safe_next(request, request.GET.get("next", ""))
    return _authorize(request, LOGIN)


@login_required
@never_cache
@require_POST
@ratelimit.limit("psc.start", backend="cache")
def link_start(request):
    """ "Associer Pro Santé Connect" on "Mon compte": PSC authenticates the professional
    afresh (prompt=login), the return checks the identifier (psc_link.link)."""
    if not psc.enabled():
        raise Http404
    return _authorize(request, LINK, prompt="login")


@login_required
@never_cache
@require_POST
@ratelimit.limit("psc.start", backend="cache")
def step_up_start(request):
    """ "Se connecter avec Pro Santé Connect" on the step-up page."""
    if not psc.enabled() or step_up.current(request) is None:
        raise Http404
    return _authorize(request, STEP_UP, prompt="login")


@never_cache
@ratelimit.limit("psc.callback", backend="cache", methods=("GET",))
def callback(request):
    if not psc.enabled():
        raise Http404
    try:
        token = psc.client().authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        userinfo = dict(psc.client().userinfo(token=token))
    except (OAuthError, RequestException, ValueError, KeyError) as error:
        log.info("Pro Santé Connect sign-in refused: %s", type(error).__name__)
        return _failure(request)
    except Exception as error:  # noqa: BLE001 (joserfc's errors: a bad ID token)
        log.info("Pro Santé Connect ID token refused: %s", type(error).__name__)
        return _failure(request)
    # The ID token's sub and sid are PSC's session; userinfo adds the professional claims.
    claims.update({k: v for k, v in userinfo.items() if k not in ("sub", "sid")})
    id_token = str(token.get("id_token") or "")
    purpose = request.session.pop(PURPOSE_SESSION_KEY, None) or {}
    if purpose.get("purpose") in (LINK, STEP_UP):
        if not request.user.is_authenticated or purpose.get("user") != request.user.pk:
            return _failure(request)
        if purpose["purpose"] == LINK:
            return _after_link(request, claims)
        return _after_step_up(request, claims, id_token)
    next_url = request.session.pop(NEXT_SESSION_KEY, "")
    response = psc_login.finish(request, claims, next_url, id_token=id_token)
    if response is None:
        return _failure(request)
    if response == psc_login.UNUSABLE:
        return _failure(request, status=403, unusable=True)
    if response == psc_login.NOT_LINKED:
        return render(request, "oidc/psc_not_linked.html", status=403)
    return response


def _after_link(request, claims):
    outcome = psc_link.link(request, request.user, claims)
    if outcome == psc_link.LINKED:
        messages.success(request, _("Pro Santé Connect est associé à votre compte."))
    elif outcome == psc_link.TAKEN:
        messages.error(
            request, _("Cette identité Pro Santé Connect est déjà associée à un autre compte.")
        )
    else:
        messages.error(
            request,
            _(
                "Pro Santé Connect n'a pas été associé : l'identité que Pro Santé Connect a "
                "confirmée ne correspond pas au N° RPPS vérifié de votre compte."
            ),
        )
    return redirect("accounts:account")


def _after_step_up(request, claims, id_token):
    state = step_up.current(request)
    if state is None:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not psc_link.step_up(request, request.user, claims, id_token=id_token):
        messages.error(
            request,
            _("Pro Santé Connect a confirmé une autre identité que celle associée à votre compte."),
        )
        return redirect("mfa:step_up")
    return redirect(step_up.complete(request, state, "psc"))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def unlink(request):
    """ "Dissocier Pro Santé Connect", after the password is typed again."""
    from kiosque.mfa.views.common import confirm_password

    link = psc.active_link(request.user)
    if link is None:
        return redirect("accounts:account")
    form, limited = confirm_password(request)
    if form.is_bound and form.is_valid() and not limited:
        psc_link.unlink(request, request.user)
        messages.success(request, _("Pro Santé Connect a été dissocié de votre compte."))
        return redirect("accounts:account")
    return render(request, "oidc/psc_unlink.html", {"form": form, "link": link, "limited": limited})


@csrf_exempt
@never_cache
@require_POST
def backchannel_logout(request):
    """PSC's back-channel logout (OpenID Connect Back-Channel Logout 1.0, section 2.5)."""
    if not psc.enabled():
        raise Http404
    token = request.POST.get("logout_token", "")
    try:
        psc_logout.backchannel_logout(request, token)
    except psc_logout.InvalidLogoutToken:
        return HttpResponse(status=400)
    except (RequestException, ValueError) as error:
        log.warning("Pro Santé Connect keys unreachable: %s", type(error).__name__)
        return HttpResponse(status=503)
    return HttpResponse(status=200)
