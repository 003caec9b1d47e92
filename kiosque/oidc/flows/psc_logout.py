"""Pro Santé Connect's logout, both ways.

- PSC signs the professional out (OpenID Connect Back-Channel Logout 1.0): PSC POSTs a
  `logout_token`; `backchannel` checks it (signature against PSC's JWKS, iss, aud, iat,
  the back-channel logout event, no nonce, a sid or a sub) and ends the Kiosque sessions
  that PSC sign-in opened (professionals.PscSession), telling Kiosque's own applications.
- The professional signs out of Kiosque after a PSC sign-in (RP-initiated logout towards
  PSC): `end_session_url` is where the sign-out sends the browser, PSC's
  end_session_endpoint with the ID token as id_token_hint.
"""

import logging
import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from kiosque.accounts.flows import sessions
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import app_settings as core_settings
from kiosque.core import crypto
from kiosque.oidc import backchannel, psc, signins
from kiosque.oidc.app_settings import psc_settings
from kiosque.oidc.flows import psc_login

log = logging.getLogger("kiosque.oidc")

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# How old a logout_token may be (its iat), and how far in the future (clock skew).
MAX_AGE_SECONDS = 300
LEEWAY_SECONDS = 60
ALGORITHMS = ["RS256", "PS256", "ES256"]


class InvalidLogoutToken(Exception):
    """The logout_token is not one PSC signed for Kiosque (the reason is the message)."""


# PSC's keys are fetched again (a rotation) at most once a minute, whatever is posted.
REFETCH_EVERY_SECONDS = 60


def _decode(token: str) -> dict:
    client = psc.client()
    for force in (False, True):  # PSC may have rotated its keys: fetch them again once
        try:
            keys = KeySet.import_key_set(client.fetch_jwk_set(force=force))
            return jwt.decode(token, keys, algorithms=ALGORITHMS).claims
        except JoseError as error:
            may_refetch = not force and cache.add(
                "psc-jwks-refetch", 1, timeout=REFETCH_EVERY_SECONDS
            )
            if not may_refetch:
                raise InvalidLogoutToken(f"signature: {type(error).__name__}") from error
        except ValueError as error:
            raise InvalidLogoutToken(f"malformed: {type(error).__name__}") from error
    raise InvalidLogoutToken("unreachable")  # pragma: no cover


def validate(token: str) -> dict:
    """The claims of a valid logout_token; raises InvalidLogoutToken."""
    claims = _decode(token)
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": psc_settings.ISSUER},
        aud={"essential": True, "value": psc_settings.CLIENT_ID},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise InvalidLogoutToken(f"claims: {error}") from error
    if time.time() - claims["iat"] > MAX_AGE_SECONDS:
        raise InvalidLogoutToken("claims: iat too old")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
        raise InvalidLogoutToken("claims: no back-channel logout event")
    if "nonce" in claims:
        raise InvalidLogoutToken("claims: nonce present")
    sid, sub = claims.get("sid"), claims.get("sub")
    if not (isinstance(sid, str) and sid) and not (isinstance(sub, str) and sub):
        raise InvalidLogoutToken("claims: neither sid nor sub")
    jti = claims.get("jti")
    # A replayed token ends nothing more, but is refused as the spec asks.
    replay_key = f"psc-logout-jti:{jti}"
    if (
        isinstance(jti, str)
        and jti
        and not cache.add(replay_key, 1, timeout=MAX_AGE_SECONDS + LEEWAY_SECONDS)
    ):
        raise InvalidLogoutToken("claims: jti replayed")
    return claims


def _end(row) -> None:
    """End one Kiosque session (and tell Kiosque's applications of its sign-in)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=row.session_key)
    sid = store.get(signins.SID_SESSION_KEY)
    if sid:
        from kiosque.oidc.models import SignIn

        sign_in = SignIn.objects.filter(sid=sid, ended_at__isnull=True).first()
        if sign_in is not None:
            backchannel.end_sign_in(sign_in)
    sessions.end(row)


def backchannel_logout(request, token: str) -> int:
    """End the sessions a valid logout_token names; returns how many. Raises
    InvalidLogoutToken (audited) when the token is refused."""
    from kiosque.professionals.models import PscSession

    try:
        claims = validate(token)
    except InvalidLogoutToken as error:
        log.info("Pro Santé Connect logout_token refused: %s", error)
        record(
            AuditAction.LOGOUT,
            request=request,
            outcome=AuditOutcome.FAILURE,
            context={"method": "psc", "reason": "psc_logout_token_invalid"},
        )
        raise
    rows = PscSession.objects.select_related("user_session__user")
    if claims.get("sid"):
        rows = rows.filter(psc_sid=claims["sid"])
        if claims.get("sub"):
            rows = rows.filter(psc_sub=claims["sub"])
    else:
        rows = rows.filter(psc_sub=claims["sub"])
    ended = 0
    for row in list(rows):
        user = row.user_session.user
        _end(row.user_session)
        ended += 1
        record(
            AuditAction.LOGOUT,
            request=request,
            actor=user,
            target=user,
            context={"method": "psc", "reason": "psc_backchannel"},
        )
    return ended


def end_session_url(request) -> str:
    """Where the sign-out of a session PSC authenticated goes next (PSC's
    end_session_endpoint), or "" when it was not a PSC sign-in or PSC has none."""
    stored = request.session.get(psc_login.ID_TOKEN_SESSION_KEY)
    if not stored or not psc.enabled():
        return ""
    try:
        id_token = crypto.decrypt(stored)
    except crypto.InvalidToken:  # a key since dropped from KIOSQUE_FIELD_KEYS
        return ""
    try:
        endpoint = psc.client().load_server_metadata().get("end_session_endpoint")
    except Exception as error:  # noqa: BLE001 (PSC unreachable: sign out of Kiosque anyway)
        log.warning("Pro Santé Connect metadata unreachable: %s", type(error).__name__)
        return ""
    if not endpoint:
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": core_settings.BASE_URL + reverse("accounts:login"),
            "client_id": psc_settings.CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
