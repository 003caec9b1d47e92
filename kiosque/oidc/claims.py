"""What Kiosque tells an application about the signed-in user, scope by scope.

Professional claims use Pro Santé Connect's names (SubjectNameID, SubjectRefPro) so an
application can read the same fields whichever provider signed the user in.
"""

from typing import NamedTuple

from kiosque.mfa import levels
from kiosque.oidc.models import Subject

# The claims each scope releases (OpenID Connect Core §5.4 for the standard ones).
SCOPE_CLAIMS = {
    "openid": ("sub",),
    "profile": ("name", "given_name", "family_name", "preferred_username"),
    "email": ("email", "email_verified"),
    "rpps": ("SubjectNameID", "SubjectRefPro"),
    "roles": ("roles",),
}

# One acr value per authentication level of kiosque.mfa.levels (the one order of levels):
# the ID token's acr says which means signed the user in (docs/identification-levels.md).
ACR_PSC = "eidas1"
ACR_PASSKEY = "urn:kiosque:loa:passkey"
ACR_TOTP = "urn:kiosque:loa:totp"
ACR_MAIL_CODE = "urn:kiosque:loa:mail"
ACR_PASSWORD = "urn:kiosque:loa:pwd"  # noqa: S105 (an acr value, not a password)
ACR_OF_LEVEL = {
    levels.PASSWORD: ACR_PASSWORD,
    levels.MAIL_CODE: ACR_MAIL_CODE,
    levels.TOTP: ACR_TOTP,
    levels.PASSKEY: ACR_PASSKEY,
    levels.EIDAS1: ACR_PSC,
}
# The values tokens carried before there was one per level, still accepted in acr_values
# (relying parties written for them keep working): "urn:kiosque:mfa" asks for any second
# factor, that is at least mail_code. Tokens never carry them.
ACR_ALIASES = {
    "urn:kiosque:mfa": levels.MAIL_CODE,
    "urn:kiosque:pwd": levels.PASSWORD,
}
LEVEL_OF_ACR = {acr: level for level, acr in ACR_OF_LEVEL.items()} | ACR_ALIASES


def supported_acr_values() -> list[str]:
    """acr_values_supported: the levels, strongest first, then the compatibility aliases."""
    ordered = sorted(ACR_OF_LEVEL, key=levels.rank, reverse=True)
    return [ACR_OF_LEVEL[level] for level in ordered] + list(ACR_ALIASES)


def subject_of(user) -> str:
    try:
        return str(user.oidc_subject.sub)  # often joined with the user (tokens.USER_RELATED)
    except Subject.DoesNotExist:
        subject, _ = Subject.objects.get_or_create(user=user)
        return str(subject.sub)


def authentication_context(request) -> tuple[str, list[str]]:
    """(acr, amr) of the signed-in session's sign-in."""
    return ACR_OF_LEVEL.get(levels.session_level(request), ACR_PASSWORD), levels.session_amr(
        request
    )


def requested_level(requested: list[str]) -> str | None:
    """The level `acr_values` asks for (OIDC Core §3.1.2.1, in order of preference): any one
    of the requested levels Kiosque knows will do, so the weakest of them. Values Kiosque
    does not know are not levels it could fall short of: they are ignored (acr_values is a
    voluntary request, §5.5.1.1), and the ID token says which level was reached. None: no
    known value."""
    known = [LEVEL_OF_ACR[value] for value in requested if value in LEVEL_OF_ACR]
    return min(known, key=levels.rank) if known else None


def acr_satisfies(acr: str, requested: list[str]) -> bool:
    """A sign-in of level `acr` meets `acr_values`."""
    return levels.at_least(LEVEL_OF_ACR.get(acr), requested_level(requested))


class Professional(NamedTuple):
    """The user's professional profile (None: none) and its places of practice, read
    beforehand with the token (oidc.lookup), so that the `rpps` claims need no query."""

    profile: object
    places: list


def _profile(user):
    try:
        return user.professional_profile
    except Exception:  # noqa: BLE001 (no profile: staff, or profile app not migrated)
        return None


def _activity(place) -> dict:
    site = place.establishment if place.establishment_id else None
    return {
        "numeroFinessSite": place.finess,
        "numeroFinessetablissementJuridique": getattr(site, "finess_ej", "") if site else "",
        "raisonSocialeSite": place.name,
        "codePostalCoordStructure": place.postal_code,
        "libelleCommuneCoordStructure": place.city,
        "libelleService": place.service,
        "libelleFonction": place.function,
    }


def subject_ref_pro(profile, places=None) -> dict:
    """SubjectRefPro; `places`: the profile's places of practice if already read."""
    if places is None:
        places = profile.establishments.select_related("establishment")
    exercice = {
        "codeProfession": profile.profession_id or "",
        "codeCiviliteDexercice": profile.title_id or "",
        "nomDexercice": profile.user.last_name,
        "prenomDexercice": profile.user.first_name,
        "codeTypeSavoirFaire": "S" if profile.specialty_id else "",
        "codeSavoirFaire": profile.specialty_id or "",
        "activities": [_activity(place) for place in places],
    }
    return {"codeCivilite": profile.civility_id or "", "exercices": [exercice]}


def _roles(user, client) -> list[str]:
    from kiosque.portal.services.access import granted_roles

    if client is None:
        return []
    return granted_roles(user, client.application)


def user_claims(user, scopes, client=None, professional: Professional | None = None) -> dict:
    """The claims the granted `scopes` release about `user` for `client` (an oidc.Client);
    `professional`: the profile and places if read beforehand (else read here)."""
    scopes = set(scopes)
    claims: dict = {"sub": subject_of(user)}
    if "profile" in scopes:
        full_name = f"{user.first_name} {user.last_name}".strip()
        claims.update(
            name=full_name or user.get_username(),
            given_name=user.first_name,
            family_name=user.last_name,
            preferred_username=user.get_username(),
        )
    if "email" in scopes and user.email:
        # The authentication e-mail is confirmed during registration.
        claims.update(email=user.email, email_verified=True)
    if "rpps" in scopes:
        profile, places = (_profile(user), None) if professional is None else professional
        if profile is not None:
            claims["SubjectNameID"] = profile.national_id
            claims["SubjectRefPro"] = subject_ref_pro(profile, places)
    if "roles" in scopes:
        claims["roles"] = _roles(user, client)
    return claims


def supported_claims() -> list[str]:
    names = [claim for claims in SCOPE_CLAIMS.values() for claim in claims]
    return names + ["acr", "amr", "auth_time", "sid", "nonce"]
