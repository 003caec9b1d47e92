"""Pro Santé Connect as an identity provider for Kiosque (Kiosque is the relying party).

Authlib handles the protocol (discovery, state, nonce, PKCE, ID token signature and claims);
this module says what a PSC identity means here: the national identifier (SubjectNameID,
8 + RPPS) designates the account linked to it (professionals.PscLink), and an account is
linked only when "8" + its verified RPPS (ProfessionalProfile.verified_rpps) equals it:
never by e-mail, never by ADELI.
"""

from dataclasses import asdict, dataclass, field

from authlib.integrations.django_client import OAuth
from django.utils import timezone

from kiosque.oidc.app_settings import psc_settings

# The PSC identity of a professional without an account, for the registration wizard.
REGISTRATION_SESSION_KEY = "kiosque_psc_identity"


def enabled() -> bool:
    return bool(psc_settings.ISSUER and psc_settings.CLIENT_ID and psc_settings.CLIENT_SECRET)


def _new_client(issuer: str, client_id: str, client_secret: str, scope: str):
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


# (configuration, when built, client): the client of the current configuration.
_current = None


def client():
    """Kiosque's client at PSC, for the sign-in and the sign-out alike.

    Authlib's client fetches PSC's OpenID metadata (then its keys) once and keeps them, so
    the client is replaced METADATA_SECONDS after it was built: the metadata is fetched
    again, and a change at PSC is seen without a restart.
    """
    global _current
    config = (
        psc_settings.ISSUER,
        psc_settings.CLIENT_ID,
        psc_settings.CLIENT_SECRET,
        psc_settings.SCOPE,
    )
    now = timezone.now().timestamp()
    if (
        _current is None
        or _current[0] != config
        or not 0 <= now - _current[1] < psc_settings.METADATA_SECONDS
    ):
        _current = (config, now, _new_client(*config))
    return _current[2]


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
    # PSC's own subject and session (for its back-channel logout); not for the registration.
    sub: str = ""
    sid: str = ""

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
        sub=str(claims.get("sub") or ""),
        sid=str(claims.get("sid") or ""),
    )


# Why a PSC identity designates no account (audit reasons, kiosque.audit.models.AuditReason).
NO_ACCOUNT = "no_account"  # no profile carries the identifier: the registration form
NOT_VERIFIED = "psc_not_verified"  # a profile carries it, but not as a verified RPPS
UNLINKED = "psc_unlinked"  # the professional unlinked PSC from "Mon compte"


def verified_subject(user) -> str:
    """The SubjectNameID PSC must send for `user`: "8" + its verified RPPS, or ""."""
    from kiosque.professionals.models import ProfessionalProfile

    profile = ProfessionalProfile.objects.filter(user=user).first()
    rpps = profile.verified_rpps if profile is not None else ""
    return "8" + rpps if rpps else ""


def account_for(identity: PscIdentity):
    """(user, None) for the account this PSC identity signs in to, else (None, reason).

    The link, when there is one, names the account; else the one account whose verified
    RPPS gives this SubjectNameID (the caller links it). Either way the identifier must
    still be "8" + the account's verified RPPS.
    """
    from kiosque.professionals.models import ProfessionalProfile, PscLink

    link = PscLink.objects.filter(subject=identity.national_id).select_related("user").first()
    if link is not None:
        if not link.active:
            return None, UNLINKED
        if verified_subject(link.user) != identity.national_id:
            return None, NOT_VERIFIED
        return link.user, None
    if identity.rpps:
        profiles = ProfessionalProfile.objects.filter(rpps=identity.rpps)
    elif identity.adeli:
        profiles = ProfessionalProfile.objects.filter(adeli=identity.adeli)
    else:
        return None, NO_ACCOUNT
    matches = list(profiles.select_related("user")[:2])
    if not matches:
        return None, NO_ACCOUNT
    if len(matches) == 1 and identity.rpps and matches[0].verified_rpps == identity.rpps:
        user = matches[0].user
        if PscLink.objects.filter(user=user).exists():
            # Linked to another identifier (RPPS changed since): not this one.
            return None, NOT_VERIFIED
        return user, None
    return None, NOT_VERIFIED


def link(user, identity: PscIdentity):
    """Link `user` to this PSC identity, which the caller checked (verified_subject)."""
    from django.utils import timezone

    from kiosque.professionals.models import PscLink

    row, _created = PscLink.objects.update_or_create(
        user=user,
        defaults={
            "subject": identity.national_id,
            "linked_at": timezone.now(),
            "unlinked_at": None,
        },
    )
    return row


def active_link(user):
    from kiosque.professionals.models import PscLink

    return PscLink.objects.filter(user=user, unlinked_at__isnull=True).first()
