"""Pro Santé Connect as an identity provider for Kiosque (Kiosque is the relying party).

Authlib handles the protocol (discovery, state, nonce, PKCE, ID token signature and claims);
this module says what a PSC identity means here: the national identifier (SubjectNameID,
8 + RPPS or 0 + ADELI) designates the account whose professional profile carries it.
"""

import functools
from dataclasses import asdict, dataclass, field

from authlib.integrations.django_client import OAuth
from django.conf import settings

# The PSC identity of a professional without an account, for the registration wizard.
REGISTRATION_SESSION_KEY = "kiosque_psc_identity"


def enabled() -> bool:
    return bool(
        settings.KIOSQUE_PSC_ISSUER
        and settings.KIOSQUE_PSC_CLIENT_ID
        and settings.KIOSQUE_PSC_CLIENT_SECRET
    )


@functools.lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scope: str):
    registry = OAuth()
    return registry.register(
        name="psc",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=issuer + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "timeout": 10,
        },
    )


def client():
    return _client(
        settings.KIOSQUE_PSC_ISSUER,
        settings.KIOSQUE_PSC_CLIENT_ID,
        settings.KIOSQUE_PSC_CLIENT_SECRET,
        settings.KIOSQUE_PSC_SCOPE,
    )


@dataclass
class PscIdentity:
    national_id: str
    given_name: str = ""
    family_name: str = ""
    rpps: str = ""
    adeli: str = ""
    profession_code: str = ""
    specialty_code: str = ""
    finess_sites: list[dict] = field(default_factory=list)
    amr: list[str] = field(default_factory=list)
    acr: str = ""

    def as_session(self) -> dict:
        return asdict(self)


def _first_exercice(claims: dict) -> dict:
    ref = claims.get("SubjectRefPro")
    if not isinstance(ref, dict):
        return {}
    exercices = ref.get("exercices")
    if isinstance(exercices, list) and exercices and isinstance(exercices[0], dict):
        return exercices[0]
    return {}


def _sites(exercice: dict) -> list[dict]:
    sites = []
    for activity in exercice.get("activities") or []:
        if isinstance(activity, dict) and activity.get("numeroFinessSite"):
            sites.append(
                {
                    "finess": str(activity["numeroFinessSite"]),
                    "name": str(activity.get("raisonSocialeSite") or ""),
                }
            )
    return sites


def identity_from_claims(claims: dict) -> PscIdentity | None:
    """The identity PSC asserted, or None when it carries no national identifier."""
    national_id = str(claims.get("SubjectNameID") or "")
    if len(national_id) < 2 or not national_id.isdigit():
        return None
    exercice = _first_exercice(claims)
    amr = claims.get("amr")
    return PscIdentity(
        national_id=national_id,
        given_name=str(claims.get("given_name") or exercice.get("prenomDexercice") or ""),
        family_name=str(claims.get("family_name") or exercice.get("nomDexercice") or ""),
        rpps=national_id[1:] if national_id[0] == "8" else "",
        adeli=national_id[1:] if national_id[0] == "0" else "",
        profession_code=str(exercice.get("codeProfession") or ""),
        specialty_code=str(exercice.get("codeSavoirFaire") or ""),
        finess_sites=_sites(exercice),
        amr=[a for a in amr if isinstance(a, str)] if isinstance(amr, list) else [],
        acr=str(claims.get("acr") or ""),
    )


def account_for(identity: PscIdentity):
    """The user whose professional profile carries this national identifier, or None."""
    from kiosque.professionals.models import ProfessionalProfile

    if identity.rpps:
        profiles = ProfessionalProfile.objects.filter(rpps=identity.rpps)
    elif identity.adeli:
        profiles = ProfessionalProfile.objects.filter(adeli=identity.adeli)
    else:
        return None
    matches = list(profiles.select_related("user")[:2])
    return matches[0].user if len(matches) == 1 else None
