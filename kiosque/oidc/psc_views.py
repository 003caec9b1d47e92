"""The two pages of the Pro Santé Connect sign-in: the start and PSC's return."""

import logging

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from requests import RequestException

from kiosque.core import ratelimit
from kiosque.oidc import psc
from kiosque.oidc.flows import psc_login

log = logging.getLogger("kiosque.oidc")
NEXT_SESSION_KEY = "_oidc_psc_next"


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _failure(request, status=400, unusable=False):
    return render(request, "oidc/psc_failed.html", {"unusable": unusable}, status=status)


@never_cache
@ratelimit.limit("psc.start", backend="cache", methods=("GET",))
def start(request):
    if not psc.enabled():
        raise Http404
    request.session[NEXT_SESSION_KEY] = _safe_next(request, request.GET.get("next", ""))
    redirect_uri = settings.KIOSQUE_BASE_URL + reverse("oidc:psc_callback")
    try:
        return psc.client().authorize_redirect(
            request, redirect_uri, acr_values=settings.KIOSQUE_PSC_ACR_VALUES
        )
    except (RequestException, ValueError) as error:
        log.warning("Pro Santé Connect unreachable: %s", type(error).__name__)
        return _failure(request, status=502)


@never_cache
@ratelimit.limit("psc.callback", backend="cache", methods=("GET",))
def callback(request):
    if not psc.enabled():
        raise Http404
    try:
        token = psc.client().authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        claims.update(psc.client().userinfo(token=token))
    except (OAuthError, RequestException, ValueError, KeyError) as error:
        log.info("Pro Santé Connect sign-in refused: %s", type(error).__name__)
        return _failure(request)
    except Exception as error:  # noqa: BLE001 (joserfc's errors: a bad ID token)
        log.info("Pro Santé Connect ID token refused: %s", type(error).__name__)
        return _failure(request)
    next_url = request.session.pop(NEXT_SESSION_KEY, "")
    response = psc_login.finish(request, claims, next_url)
    if response is None:
        return _failure(request)
    if response == "unusable":
        return _failure(request, status=403, unusable=True)
    return response
