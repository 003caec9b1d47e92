"""Checks of professional identifiers (RPPS, ADELI, FINESS), phone numbers and e-mail addresses.

Each validator raises django.core.exceptions.ValidationError with a whole French sentence
and a `code`, so forms show it next to the field.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

# Local parts of shared mailboxes, refused for authentication. A local part is generic when
# it equals one of these words, or starts with one followed by ".", "-", "_" or a digit
# (secretariat.cardio, contact-37, accueil2); GENERIC_PREFIXES also match any continuation
# (secretariatcardio, secr.onco, rdvtours).
GENERIC_LOCAL_PARTS = (
    "secretariat",
    "secretariats",
    "secretaire",
    "secretaires",
    "contact",
    "contacts",
    "accueil",
    "info",
    "infos",
    "information",
    "informations",
    "direction",
    "noreply",
    "no-reply",
    "no_reply",
    "nepasrepondre",
    "ne-pas-repondre",
    "ne_pas_repondre",
    "admin",
    "administration",
    "standard",
    "rdv",
    "rendezvous",
    "rendez-vous",
    "service",
    "services",
    "bureau",
    "cabinet",
    "pharmacie",
    "laboratoire",
    "labo",
    "mairie",
    "postmaster",
    "webmaster",
    "support",
    "commun",
    "generique",
)
GENERIC_PREFIXES = ("secr", "rdv", "noreply", "no-reply")

_DIGITS = re.compile(r"^[0-9]+$")
_FINESS = re.compile(r"^[0-9A-Za-z]{9}$")
_SEPARATORS = re.compile(r"[\s.\-_/]")


def luhn_is_valid(digits: str) -> bool:
    """True when the last digit of `digits` is the Luhn key of the others."""
    if not digits or not _DIGITS.match(digits):
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The Luhn key to append to `partial` (digits only)."""
    if not partial or not _DIGITS.match(partial):
        raise ValueError("luhn_check_digit expects digits")
    for key in "0123456789":
        if luhn_is_valid(partial + key):
            return key
    raise AssertionError("unreachable: one key always fits")


def _compact(value) -> str:
    """The identifier without spaces, dots or dashes a user may have typed."""
    return _SEPARATORS.sub("", str(value or ""))


def validate_rpps(value: str) -> None:
    number = _compact(value)
    if not (len(number) == 11 and _DIGITS.match(number)):
        raise ValidationError(
            _("Le numéro RPPS compte exactement 11 chiffres."), code="rpps_format"
        )
    if not luhn_is_valid(number):
        raise ValidationError(
            _(
                "Ce numéro RPPS n'est pas valide (la clé de contrôle ne correspond pas) : "
                "vérifiez-le sur votre carte CPS ou dans l'Annuaire Santé."
            ),
            code="rpps_key",
        )


def validate_adeli(value: str) -> None:
    number = _compact(value)
    if not (len(number) == 9 and _DIGITS.match(number)):
        raise ValidationError(
            _("Le numéro ADELI compte exactement 9 chiffres."), code="adeli_format"
        )
    if not luhn_is_valid(number):
        raise ValidationError(
            _(
                "Ce numéro ADELI semble incorrect (la clé de contrôle ne correspond pas) : "
                "vérifiez-le. S'il est exact, l'équipe qui valide les inscriptions pourra "
                "l'accepter."
            ),
            code="adeli_key",
        )


def validate_finess(value: str) -> None:
    number = _compact(value)
    if not _FINESS.match(number):
        raise ValidationError(
            _("Le numéro FINESS compte exactement 9 caractères (chiffres, ou 2A/2B en Corse)."),
            code="finess_format",
        )
    if number.isdigit() and not luhn_is_valid(number):
        raise ValidationError(
            _("Ce numéro FINESS n'est pas valide (la clé de contrôle ne correspond pas)."),
            code="finess_key",
        )


# Regions tried for a national number (0X XX XX XX XX): metropolitan France, then overseas.
PHONE_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")


def normalize_phone(value: str) -> str:
    """A French phone number (metropolitan or overseas) in E.164 form: "+33675030522"."""
    raw = str(value or "").strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if len(raw) > 40:
        raise ValidationError(_("Ce numéro de téléphone est trop long."), code="phone_length")
    parsed = None
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException as error:
            raise ValidationError(
                _("Saisissez un numéro de téléphone, par exemple 06 75 03 05 22."),
                code="phone_format",
            ) from error
        if phonenumbers.is_valid_number(number):
            parsed = number
            break
        if raw.startswith("+"):
            break
    if parsed is None:
        raise ValidationError(
            _(
                "Ce numéro de téléphone n'est pas valide : saisissez 10 chiffres, par exemple "
                "06 75 03 05 22, ou le numéro international complet (+33 6 75 03 05 22)."
            ),
            code="phone_invalid",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_email_syntax = EmailValidator(
    message=_("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."),
    code="email_invalid",
)


def validate_communication_email(value: str) -> None:
    """Syntax only: a shared mailbox is accepted for communication."""
    _email_syntax(value)


def is_generic_local_part(local: str) -> bool:
    local = local.lower()
    if local in GENERIC_LOCAL_PARTS:
        return True
    if any(local.startswith(prefix) for prefix in GENERIC_PREFIXES):
        return True
    return any(
        local.startswith(word) and local[len(word)] in ".-_+0123456789"
        for word in GENERIC_LOCAL_PARTS
        if len(local) > len(word)
    )


def _is_mssante_domain(domain: str) -> bool:
    from kiosque.directory.models import MssanteDomain

    candidates = [domain]
    parts = domain.split(".")
    candidates += [".".join(parts[index:]) for index in range(1, len(parts) - 1)]
    return MssanteDomain.objects.filter(domain__in=candidates).exists()


def validate_authentication_email(value: str) -> None:
    """A personal, non-secure-messaging address: codes and credentials are sent there."""
    _email_syntax(value)
    local, _sep, domain = str(value).strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    if domain.endswith("mssante.fr") or _is_mssante_domain(domain):
        raise ValidationError(
            _(
                "Les adresses de messagerie sécurisée de santé (MSSanté) ne peuvent pas servir "
                "à l'authentification : indiquez une adresse nominative."
            ),
            code="email_mssante",
        )
    if domain.endswith("apicrypt.org"):
        raise ValidationError(
            _(
                "Les adresses de messagerie sécurisée Apicrypt ne peuvent pas servir à "
                "l'authentification : indiquez une adresse nominative."
            ),
            code="email_apicrypt",
        )
    if is_generic_local_part(local):
        raise ValidationError(
            _(
                "Les adresses génériques (secrétariat, contact, accueil…) ne sont pas "
                "acceptées : indiquez votre adresse mail nominative."
            ),
            code="email_generic",
        )
