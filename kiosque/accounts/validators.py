"""Password validators (AUTH_PASSWORD_VALIDATORS), with French messages.

`PasswordPolicyValidator` holds the composition rules of the 2025 guide; `rules()` describes
them for the "Changez votre mot de passe" page, whose live check marks mirror the same counts
(the server decides).
"""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kiosque.accounts import app_settings


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    minimum: int

    def count(self, password: str) -> int:
        return COUNTERS[self.code](password)


def _is_special(char: str) -> bool:
    return not char.isalnum()


COUNTERS = {
    "length": len,
    "lower": lambda p: sum(1 for c in p if c.islower()),
    "upper": lambda p: sum(1 for c in p if c.isupper()),
    "digits": lambda p: sum(1 for c in p if c.isdigit()),
    "special": lambda p: sum(1 for c in p if _is_special(c)),
}

LABELS = {
    "length": gettext_lazy("Taille minimale"),
    "lower": gettext_lazy("Minimum de minuscules"),
    "upper": gettext_lazy("Minimum de majuscules"),
    "digits": gettext_lazy("Minimum de chiffres"),
    "special": gettext_lazy("Minimum de caractères spéciaux"),
}

SETTINGS = {
    "length": "PASSWORD_MIN_LENGTH",
    "lower": "PASSWORD_MIN_LOWER",
    "upper": "PASSWORD_MIN_UPPER",
    "digits": "PASSWORD_MIN_DIGITS",
    "special": "PASSWORD_MIN_SPECIAL",
}


def rules() -> list[Rule]:
    return [
        Rule(code, LABELS[code], int(getattr(app_settings, name)))
        for code, name in SETTINGS.items()
    ]


def _rule_error(rule: Rule) -> ValidationError:
    n = rule.minimum
    messages = {
        "length": ngettext(
            "Le mot de passe doit contenir au moins %(n)d caractère.",
            "Le mot de passe doit contenir au moins %(n)d caractères.",
            n,
        ),
        "lower": ngettext(
            "Le mot de passe doit contenir au moins %(n)d minuscule.",
            "Le mot de passe doit contenir au moins %(n)d minuscules.",
            n,
        ),
        "upper": ngettext(
            "Le mot de passe doit contenir au moins %(n)d majuscule.",
            "Le mot de passe doit contenir au moins %(n)d majuscules.",
            n,
        ),
        "digits": ngettext(
            "Le mot de passe doit contenir au moins %(n)d chiffre.",
            "Le mot de passe doit contenir au moins %(n)d chiffres.",
            n,
        ),
        "special": ngettext(
            "Le mot de passe doit contenir au moins %(n)d caractère spécial (@, !, $, …).",
            "Le mot de passe doit contenir au moins %(n)d caractères spéciaux (@, !, $, …).",
            n,
        ),
    }
    return ValidationError(messages[rule.code], code=f"password_{rule.code}", params={"n": n})


class PasswordPolicyValidator:
    def validate(self, password, user=None):
        errors = [_rule_error(rule) for rule in rules() if rule.count(password) < rule.minimum]
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _("Le mot de passe doit respecter la politique affichée.")


class PasswordHistoryValidator:
    """Not one of the user's last N passwords (their hashes are kept in PasswordHistory)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        count = app_settings.PASSWORD_HISTORY
        hashes = user.password_history.values_list("password", flat=True)[:count]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                ngettext(
                    "Ce mot de passe a déjà été utilisé : choisissez-en un différent "
                    "de votre dernier mot de passe.",
                    "Ce mot de passe a déjà été utilisé : choisissez-en un différent "
                    "de vos %(n)d derniers mots de passe.",
                    count,
                ),
                code="password_reused",
                params={"n": count},
            )

    def get_help_text(self):
        return _("Le mot de passe ne doit pas être l'un de vos derniers mots de passe.")


def _fold(text: str) -> str:
    """Lower case without accents, so that "Hélène" is found in "helene2025!"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class PersonalDataValidator:
    """The password must not contain the login, the names or the e-mail's local part."""

    MIN_PART = 3

    def validate(self, password, user=None):
        if user is None:
            return
        folded = _fold(password)
        email_local = (getattr(user, "email", "") or "").partition("@")[0]
        values = [
            getattr(user, "username", ""),
            getattr(user, "first_name", ""),
            getattr(user, "last_name", ""),
            email_local,
        ]
        parts = set()
        for value in values:
            folded_value = _fold(value or "")
            parts.add(folded_value)
            parts.update(folded_value.replace("-", " ").replace(".", " ").split())
        if any(len(part) >= self.MIN_PART and part in folded for part in parts):
            raise ValidationError(
                _("Le mot de passe ne doit contenir ni votre identifiant ni vos nom et prénom."),
                code="password_personal_data",
            )

    def get_help_text(self):
        return _("Le mot de passe ne doit contenir ni votre identifiant ni vos nom et prénom.")


class FrenchCommonPasswordValidator(CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with our French message."""

    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                _("Ce mot de passe est trop courant : choisissez-en un moins prévisible."),
                code="password_too_common",
            ) from None

    def get_help_text(self):
        return _("Le mot de passe ne doit pas être un mot de passe courant.")
