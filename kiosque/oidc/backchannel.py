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
from django.utils import timezone

from kiosque.core import app_settings as core_settings
from kiosque.oidc.claims import subject_of
from kiosque.oidc.keys import sign_jwt
from kiosque.oidc.models import Client, SignIn, Token

log = logging.getLogger("kiosque.oidc")

EVENT = "http://schemas.openid.net/event/backchannel-logout"
TIMEOUT_SECONDS = 3
LOGOUT_TOKEN_SECONDS = 120


def logout_token(client: Client, sign_in: SignIn) -> str:
    now = int(time.time())
    payload = {
        "iss": core_settings.BASE_URL,
        "aud": client.client_id,
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

    now = timezone.now()
    SignIn.objects.filter(pk=sign_in.pk).update(ended_at=now)
    client_ids = set(Token.objects.filter(sign_in=sign_in).values_list("client_id", flat=True))
    Token.objects.filter(sign_in=sign_in, revoked_at__isnull=True).update(revoked_at=now)
    clients = {
        client.pk: client
        for client in Client.objects.filter(pk__in=client_ids)
        .exclude(backchannel_logout_uri="")
        .select_related("application")
    }
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
