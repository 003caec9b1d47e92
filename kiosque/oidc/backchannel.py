"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0).

When a Kiosque sign-in ends, the tokens it gave the applications are revoked and each
application that received some and registered a backchannel_logout_uri gets a signed
logout token naming the user (sub) and the sign-in (sid).
"""

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import AccessToken

from kiosque.oidc.claims import subject_of
from kiosque.oidc.models import Authorization, Client, SignIn
from kiosque.oidc.validator import revoke_family, sign_jwt

log = logging.getLogger("kiosque.oidc")

EVENT = "http://schemas.openid.net/event/backchannel-logout"
TIMEOUT_SECONDS = 3
LOGOUT_TOKEN_SECONDS = 120


def logout_token(client: Client, sign_in: SignIn) -> str:
    now = int(time.time())
    payload = {
        "iss": settings.KIOSQUE_BASE_URL,
        "aud": client.oauth_application.client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_SECONDS,
        "jti": str(uuid.uuid4()),
        "sub": subject_of(sign_in.user),
        "sid": str(sign_in.sid),
        "events": {EVENT: {}},
    }
    return sign_jwt(payload, client.id_token_signed_response_alg, typ="logout+jwt")


def _deliver(uri: str, token: str) -> bool:
    try:
        response = requests.post(
            uri,
            data={"logout_token": token},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        log.warning("back-channel logout to %s failed: %s", uri, type(error).__name__)
        return False
    if response.status_code != 200:
        log.warning("back-channel logout to %s answered %s", uri, response.status_code)
    return response.status_code == 200


def end_sign_in(sign_in: SignIn, request=None) -> dict[str, bool]:
    """Revoke the sign-in's tokens and tell its applications; {client name: delivered}."""
    from kiosque.audit.services import AuditAction, AuditOutcome, record

    SignIn.objects.filter(pk=sign_in.pk).update(ended_at=timezone.now())
    authorizations = list(
        Authorization.objects.filter(sign_in=sign_in, redeemed_at__isnull=False).select_related(
            "oauth_application__kiosque_client__application"
        )
    )
    clients = {}
    for authorization in authorizations:
        revoke_family(authorization.token_family)
        if authorization.access_token_id:
            AccessToken.objects.filter(pk=authorization.access_token_id).delete()
        client = getattr(authorization.oauth_application, "kiosque_client", None)
        if client is not None and client.backchannel_logout_uri:
            clients[client.pk] = client
    jobs = [(c, c.backchannel_logout_uri, logout_token(c, sign_in)) for c in clients.values()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda job: _deliver(job[1], job[2]), jobs))
    results = {}
    for (client, _uri, _token), delivered in zip(jobs, outcomes, strict=True):
        results[str(client)] = delivered
        record(
            AuditAction.TOKEN_REVOKED,
            request=request,
            actor=sign_in.user,
            target=client.application,
            outcome=AuditOutcome.SUCCESS if delivered else AuditOutcome.FAILURE,
            context={"reason": "backchannel_logout", "delivered": delivered},
        )
    return results
