"""The authentication levels, weakest first, and what this session's sign-in reached.

The order is the one documented in docs/configuration.md (issue 19):

    pwd        password alone (only when KIOSQUE_SECOND_FACTOR_REQUIRED is off)
    mail_code  password + code sent by mail
    totp       password + OTP application
    passkey    passkey (WebAuthn, user verified), with or without the password
    eidas1     Pro Santé Connect (CPS card or e-CPS)

The sign-in writes the methods it used under accounts.flows.signed_in.AMR_SESSION_KEY
("password", "mail_code", "totp", "passkey", "psc"); this module reads them. The OIDC side
turns `session_level` into `acr` and `session_amr` into `amr` (RFC 8176 values).
"""

from django.utils.translation import gettext_lazy as _

from kiosque.accounts.flows.signed_in import AMR_SESSION_KEY

PASSWORD = "pwd"  # noqa: S105 - a level name
MAIL_CODE = "mail_code"
TOTP = "totp"
PASSKEY = "passkey"
EIDAS1 = "eidas1"
LEVELS = (PASSWORD, MAIL_CODE, TOTP, PASSKEY, EIDAS1)
# What the back-office shows for each level (portal.Application.required_level).
LEVEL_CHOICES = [
    (PASSWORD, _("Mot de passe seul")),
    (MAIL_CODE, _("Mot de passe et code par mail")),
    (TOTP, _("Mot de passe et application OTP (TOTP)")),
    (PASSKEY, _("Clé d'accès")),
    (EIDAS1, _("Pro Santé Connect (carte CPS ou e-CPS)")),
]

# The level each sign-in method reaches on its own (the password alone is the lowest).
METHOD_LEVEL = {
    "password": PASSWORD,
    "mail_code": MAIL_CODE,
    "totp": TOTP,
    "passkey": PASSKEY,
    "psc": EIDAS1,
}
# RFC 8176 values of each method; a passkey adds "hwk" or "swk" (PASSKEY_AMR_SESSION_KEY).
METHOD_AMR = {
    "password": ("pwd",),
    "mail_code": ("otp",),
    "totp": ("otp",),
    "passkey": ("user",),
    "psc": (),
}
MULTI_FACTOR_METHODS = {"mail_code", "totp", "passkey", "psc"}

# "hwk" (device-bound key) or "swk" (synced passkey), written when a passkey is used.
PASSKEY_AMR_SESSION_KEY = "_kiosque_passkey_amr"
PSC_AMR_SESSION_KEY = "_oidc_psc_amr"  # written by kiosque.oidc.flows.psc_login


def rank(level: str | None) -> int:
    """0 for no sign-in, then 1 (pwd) to 5 (eidas1); an unknown level counts as none."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


def at_least(level: str | None, required: str | None) -> bool:
    return rank(level) >= rank(required)


def session_methods(request) -> list[str]:
    return [m for m in request.session.get(AMR_SESSION_KEY) or () if isinstance(m, str)]


def level_of(methods) -> str | None:
    levels = [METHOD_LEVEL[m] for m in methods if m in METHOD_LEVEL]
    return max(levels, key=rank) if levels else None


def session_level(request) -> str | None:
    """The level of this session's sign-in; None when nobody is signed in."""
    if not request.user.is_authenticated:
        return None
    return level_of(session_methods(request))


def amr_of(methods, *, passkey_amr: str = "hwk", psc_amr=()) -> list[str]:
    """RFC 8176 `amr` values of a sign-in that used `methods`; `passkey_amr` is "hwk" or
    "swk", `psc_amr` what Pro Santé Connect reported."""
    amr: list[str] = []

    def add(value):
        if isinstance(value, str) and value and value not in amr:
            amr.append(value)

    for method in methods:
        if method == "passkey":
            add(passkey_amr)
        if method == "psc":
            for value in psc_amr or ():
                add(value)
        for value in METHOD_AMR.get(method, ()):
            add(value)
    if any(m in MULTI_FACTOR_METHODS for m in methods):
        add("mfa")
    return amr


def session_amr(request) -> list[str]:
    """RFC 8176 `amr` values of this session's sign-in, e.g. ["hwk", "user", "mfa"]."""
    if not request.user.is_authenticated:
        return []
    return amr_of(
        session_methods(request),
        passkey_amr=request.session.get(PASSKEY_AMR_SESSION_KEY) or "hwk",
        psc_amr=request.session.get(PSC_AMR_SESSION_KEY) or (),
    )
