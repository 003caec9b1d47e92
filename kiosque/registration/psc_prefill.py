"""The wizard for a professional who signed in with Pro Santé Connect but has no account yet.

kiosque.oidc.flows.psc_login leaves PSC's identity in the session (national identifier, names,
profession, specialty, FINESS sites) and sends the browser to /inscription/?psc=1. The identity
step is then prefilled and its PSC-provided fields locked (the form ignores what is posted for
them); the establishment step starts on the first FINESS site PSC reported, when the directory
knows it. The request is marked "RPPS vérifié" and the session key dropped once it is sent.
"""

from kiosque.directory.models import Establishment, Profession, Specialty

# Same value as kiosque.oidc.psc.REGISTRATION_SESSION_KEY (checked by a test): not imported,
# so that the wizard does not load the OpenID Connect client.
SESSION_KEY = "kiosque_psc_identity"


def identity(session) -> dict | None:
    """PSC's identity for this browser, or None when the wizard is filled in by hand."""
    value = session.get(SESSION_KEY)
    if isinstance(value, dict) and value.get("national_id"):
        return value
    return None


def forget(session) -> None:
    session.pop(SESSION_KEY, None)


def identity_locks(psc: dict) -> dict[str, str]:
    """The identity step's fields PSC provides, with PSC's values (empty ones left out)."""
    locks = {
        "rpps": _text(psc, "rpps"),
        "adeli": _text(psc, "adeli"),
        "last_name": _text(psc, "family_name"),
        "first_name": _text(psc, "given_name"),
    }
    profession = Profession.objects.filter(pk=_text(psc, "profession_code")).first()
    if profession is not None:
        locks["profession"] = profession.pk
        specialty = Specialty.objects.filter(pk=_text(psc, "specialty_code")).first()
        if specialty is not None and specialty.profession_id in (None, profession.pk):
            locks["specialty"] = specialty.pk
    return {name: value for name, value in locks.items() if value}


def establishment_initial(psc: dict) -> dict[str, str]:
    """The first establishment block set on PSC's first FINESS site, if the directory has it."""
    sites = psc.get("finess_sites") or []
    first = sites[0] if sites and isinstance(sites[0], dict) else {}
    finess = str(first.get("finess") or "")
    establishment = Establishment.objects.filter(pk=finess).first() if finess else None
    if establishment is None:
        return {}
    return {"etab1_finess": establishment.finess, "etab1_query": establishment.name}


def verifies(declared: dict, psc: dict | None) -> bool:
    """Whether the national identifier sent is the one PSC authenticated."""
    if not psc:
        return False
    rpps, adeli = _text(psc, "rpps"), _text(psc, "adeli")
    return bool(
        (rpps and declared.get("rpps") == rpps) or (adeli and declared.get("adeli") == adeli)
    )


def audit_context(psc: dict) -> dict:
    """How PSC authenticated the applicant (card or e-CPS), for the submission's audit event."""
    return {"amr": list(psc.get("amr") or []), "acr": _text(psc, "acr")}


def _text(psc: dict, key: str) -> str:
    value = psc.get(key)
    return value.strip() if isinstance(value, str) else ""
