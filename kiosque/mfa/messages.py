"""The French sentences of the second-factor pages (one place, one wording)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kiosque.core import ratelimit
from kiosque.mfa.flows.totp_login import Outcome as TOTPOutcome
from kiosque.mfa.passkeys import Failure as PasskeyFailure
from kiosque.mfa.verification import Outcome, Verification

LOGIN_EXPIRED = _("Votre connexion a expiré. Veuillez vous authentifier de nouveau.")
STALE_FORM = _("Cette page n'était plus à jour : saisissez le code demandé ci-dessous.")
STAFF_NEEDS_TOTP = _(
    "Votre compte d'administration doit utiliser une application OTP, et aucune n'est "
    "enregistrée : le code par mail ne peut pas être utilisé. Demandez à un administrateur "
    "de la plateforme de vous aider à enregistrer une application OTP."
)
NO_METHOD = _(
    "Aucun second facteur n'est disponible pour votre compte (pas d'adresse mail "
    "d'authentification). Demandez à un administrateur de la plateforme de compléter votre compte."
)
STAFF_KEEPS_LAST_DEVICE = _(
    "Votre compte d'administration doit garder au moins une application OTP : ajoutez-en "
    "une autre avant de supprimer celle-ci."
)
RECENT_CODE_STILL_VALID = _(
    "Un code vous a été envoyé il y a moins d'une minute : utilisez le dernier code reçu."
)
NEW_CODE_SENT = _("Un nouveau code vous a été envoyé par mail.")
ENROL_WRONG_CODE = _(
    "Ce code ne correspond pas à la clé affichée. Vérifiez que l'heure de votre téléphone "
    "est exacte et recopiez le code actuellement affiché par votre application."
)

MAIL_CODE_ERRORS = {
    Outcome.EXPIRED: _("Ce code a expiré. Demandez un nouveau code."),
    Outcome.USED: _("Ce code a déjà été utilisé. Demandez un nouveau code."),
    Outcome.EXHAUSTED: _("Trop d'essais avec ce code. Demandez un nouveau code."),
    Outcome.NO_CODE: _("Aucun code en cours de validité. Demandez un nouveau code."),
}
TOTP_ERRORS = {
    TOTPOutcome.WRONG: _(
        "Code incorrect. Vérifiez que l'heure de votre téléphone est exacte et saisissez le "
        "code actuellement affiché par votre application."
    ),
    TOTPOutcome.REPLAYED: _(
        "Ce code a déjà été utilisé. Attendez le code suivant de votre application."
    ),
}


def mail_code_error(result: Verification) -> str | None:
    if result.outcome.accepted:
        return None
    if result.outcome is Outcome.WRONG and result.attempts_left == 0:
        return str(MAIL_CODE_ERRORS[Outcome.EXHAUSTED])
    if result.outcome is Outcome.WRONG:
        return ngettext(
            "Code incorrect. Il vous reste %(left)d essai.",
            "Code incorrect. Il vous reste %(left)d essais.",
            result.attempts_left,
        ) % {"left": result.attempts_left}
    return str(MAIL_CODE_ERRORS[result.outcome])


def totp_error(outcome: TOTPOutcome, retry_after: int) -> str | None:
    if outcome is TOTPOutcome.ACCEPTED:
        return None
    if outcome is TOTPOutcome.TOO_MANY:
        return ratelimit.wait_message(retry_after)
    return str(TOTP_ERRORS[outcome])


def resend_wait(seconds: int) -> str:
    return ngettext(
        "Vous pourrez demander un nouveau code dans %(seconds)d seconde.",
        "Vous pourrez demander un nouveau code dans %(seconds)d secondes.",
        seconds,
    ) % {"seconds": seconds}


def too_many_codes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Trop de codes demandés. Vous pourrez en demander un nouveau dans %(minutes)d minute.",
        "Trop de codes demandés. Vous pourrez en demander un nouveau dans %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


PASSKEY_ERRORS = {
    PasskeyFailure.NO_CHALLENGE: _(
        "La demande a expiré ou a déjà servi. Recommencez avec votre clé d'accès."
    ),
    PasskeyFailure.AAGUID_NOT_ALLOWED: _(
        "Ce modèle de clé d'accès n'est pas homologué par votre structure. Utilisez une des "
        "clés qu'elle fournit."
    ),
    PasskeyFailure.ALREADY_REGISTERED: _("Cette clé d'accès est déjà enregistrée."),
    PasskeyFailure.COUNTER_REGRESSION: _(
        "Cette clé d'accès a été refusée par mesure de sécurité (son compteur a reculé : elle "
        "a peut-être été copiée). Utilisez un autre moyen de connexion et prévenez l'équipe "
        "de la plateforme."
    ),
}
PASSKEY_NOT_RECOGNISED = _(
    "Cette clé d'accès n'a pas été reconnue. Réessayez, ou utilisez un autre moyen de connexion."
)
PASSKEY_ADDED = _("Votre clé d'accès a été enregistrée")


def passkey_error(failure: PasskeyFailure) -> str:
    return str(PASSKEY_ERRORS.get(failure, PASSKEY_NOT_RECOGNISED))
