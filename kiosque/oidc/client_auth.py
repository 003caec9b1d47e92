"""private_key_jwt client authentication (OpenID Connect Core §9, RFC 7523).

The client signs a short-lived JWT with its private key; Kiosque checks it against the
public JWKS registered for the client, and accepts each assertion once.
"""

import json
import time

from django.conf import settings
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

from kiosque.core import ratelimit

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALLOWED_ALGS = ["RS256", "PS256", "ES256"]
MAX_LIFETIME_SECONDS = 300
# Clock skew allowed on nbf and iat between the client and Kiosque.
LEEWAY_SECONDS = 60


class AssertionError_(Exception):
    """The assertion is not acceptable (never says why to the client)."""


def unverified_issuer(assertion: str) -> str | None:
    try:
        token = jws.JWS()
        token.deserialize(assertion)
        claims = json.loads(token.objects["payload"])
    except (JWException, ValueError, KeyError, TypeError):
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


def audiences() -> set[str]:
    base = settings.KIOSQUE_BASE_URL
    return {base, base + "/", base + "/oidc/token/", base + "/oidc/token"}


def verify(assertion: str, client_id: str, client_jwks: dict) -> None:
    """Raise AssertionError_ unless `assertion` authenticates `client_id`."""
    try:
        keyset = jwk.JWKSet.from_json(json.dumps(client_jwks or {"keys": []}))
        token = jwt.JWT(
            jwt=assertion,
            key=keyset,
            algs=ALLOWED_ALGS,
            check_claims={"iss": client_id, "sub": client_id, "exp": None, "jti": None},
        )
        claims = json.loads(token.claims)
    except (JWException, ValueError, TypeError, KeyError) as error:
        raise AssertionError_("invalid signature or claims") from error
    audience = claims.get("aud")
    audience = [audience] if isinstance(audience, str) else (audience or [])
    if not audiences().intersection(audience):
        raise AssertionError_("wrong audience")
    now = time.time()
    expires = claims["exp"]
    if not isinstance(expires, int | float) or expires - now > MAX_LIFETIME_SECONDS:
        raise AssertionError_("lifetime too long")
    # RFC 7523 §3: the JWT MUST NOT be accepted before its nbf (checked by hand: jwcrypto
    # leaves nbf alone once check_claims is given).
    not_before = claims.get("nbf")
    if not_before is not None and (
        not isinstance(not_before, int | float) or not_before > now + LEEWAY_SECONDS
    ):
        raise AssertionError_("not yet valid")
    jti = str(claims["jti"])
    if not ratelimit.first_use(
        f"oidc-jti:{client_id}:{jti}", remember_seconds=int(expires - now) + 60
    ):
        raise AssertionError_("replayed assertion")
