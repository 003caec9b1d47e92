"""Form fields for what people type: no control characters, whitespace normalised, names as names.

Decisions (see the app's tests/test_security.py):
- every text refuses control characters and invisible format characters (right-to-left marks,
  zero-width joiners, bidi overrides): they hide or reorder what a reviewer reads;
- names accept Latin letters with the diacritics of French (é è ê ë à â ä ç î ï ô ö ù û ü ÿ, the
  ligatures æ œ), spaces, hyphens and apostrophes only: emoji, digits and letters of other
  alphabets are refused (a Cyrillic "Р" in "DUРONT" looks like a P and would dodge the duplicate
  check), the refused letter named in the message; other texts (service, street) accept emoji,
  which are stored as typed and always rendered escaped;
- duplicates are also searched on `name_key`, a case-, accent- and confusable-folded form (the
  UTS #39 skeleton of kiosque/core/confusables.py), stored in indexed columns;
- HTML or SQL fragments in other texts are data like any other: stored as typed, rendered escaped.
"""

import re
import string
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kiosque.core.confusables import skeleton
from kiosque.directory.validators import normalize_phone

ALLOWED_SPACES = {" ", "\t", "\u00a0", "\u202f"}
FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
NAME_PUNCTUATION = {" ", "-", "'"}
APOSTROPHES = {"\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"}
FRENCH_DIACRITICS = "àâäçéèêëîïôöùûüÿæœ"
NAME_LETTERS = frozenset(string.ascii_letters + FRENCH_DIACRITICS + FRENCH_DIACRITICS.upper())


def has_forbidden_characters(value: str) -> bool:
    return any(
        unicodedata.category(char) in FORBIDDEN_CATEGORIES and char not in ALLOWED_SPACES
        for char in value
    )


def normalize_spaces(value: str) -> str:
    return " ".join(value.replace("\u00a0", " ").replace("\u202f", " ").split())


class CleanTextField(forms.CharField):
    """A one-line text: control characters refused, whitespace collapsed, NFC."""

    default_error_messages = {
        "forbidden_characters": _(
            "Ce champ contient des caractères invisibles ou de contrôle : retirez-les."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        if has_forbidden_characters(value):
            raise ValidationError(
                self.error_messages["forbidden_characters"], code="forbidden_characters"
            )
        return normalize_spaces(unicodedata.normalize("NFC", value))


class PhoneField(CleanTextField):
    """A French phone number as typed; cleaned to its E.164 form (directory.normalize_phone)."""

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class NameField(CleanTextField):
    """A person's name: letters, spaces, hyphens, apostrophes."""

    default_error_messages = {
        "invalid_name": _(
            "Saisissez uniquement des lettres, des espaces, des tirets (-) ou des apostrophes (')."
        ),
        "not_latin": _(
            "La lettre « %(letter)s » n'est pas acceptée : saisissez le nom en lettres latines, "
            "avec les accents du français (é, è, ê, ë, à, â, ç, î, ï, ô, ö, ù, û, ü, ÿ, æ, œ)."
        ),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        for typographic, plain in APOSTROPHES.items():
            value = value.replace(typographic, plain)
        if not is_name(value):
            raise ValidationError(self.error_messages["invalid_name"], code="invalid_name")
        if (letter := first_foreign_letter(value)) is not None:
            raise ValidationError(
                self.error_messages["not_latin"], code="not_latin", params={"letter": letter}
            )
        return value


def first_foreign_letter(value: str) -> str | None:
    """The first letter of an NFC name outside the Latin alphabet with French diacritics."""
    return next(
        (char for char in value if char not in NAME_LETTERS and char not in NAME_PUNCTUATION),
        None,
    )


FORMAT_PARTS = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}"}


def _format_pattern(input_format: str) -> re.Pattern:
    """The shape of `input_format` ("%d/%m/%Y" → two digits, "/", ...), whatever the values."""
    pattern = re.escape(input_format)
    for directive, digits in FORMAT_PARTS.items():
        pattern = pattern.replace(re.escape(directive), digits)
    return re.compile(f"^{pattern}$")


class CalendarDateField(forms.DateField):
    """A date typed in one of `input_formats`; one typed in the right format that is not on
    the calendar (31/02/1994) is told so, rather than that its format is wrong."""

    default_error_messages = {
        "nonexistent": _(
            "La date %(date)s n'existe pas : vérifiez le jour et le mois, par exemple 07/06/1994."
        ),
    }

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            typed = str(value or "").strip()
            if any(_format_pattern(f).match(typed) for f in self.input_formats):
                raise ValidationError(
                    self.error_messages["nonexistent"],
                    code="nonexistent",
                    params={"date": typed},
                ) from error
            raise


def is_name(value: str) -> bool:
    previous = ""
    has_letter = False
    for char in value:
        category = unicodedata.category(char)
        if category.startswith("L"):
            has_letter = True
        elif category.startswith("M"):
            if not previous or not unicodedata.category(previous).startswith(("L", "M")):
                return False
        elif char not in NAME_PUNCTUATION:
            return False
        previous = char
    return has_letter


def fold(value: str) -> str:
    """Case- and accent-insensitive form of a name, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return normalize_spaces(bare.replace("-", " ").replace("'", " ")).casefold()


def name_key(value: str) -> str:
    """The form names are compared on for duplicates: case, accents, hyphens and apostrophes
    folded, then look-alike letters folded (UTS #39 skeleton), so "Dupont", "DUPONT" and
    "DUРONT" (Cyrillic Р) share one key."""
    return fold(skeleton(fold(value)))


EMPTY_LABEL = _("- Sélectionner -")


def conditionally_required(field: forms.Field) -> forms.Field:
    """Not required by itself but by another answer: shown with an asterisk, checked in clean()."""
    field.conditionally_required = True
    return field


def required_message(message) -> dict:
    return {"required": message}


class WithoutValidation:
    """Lets a bound form be shown again with what was typed, without any error message."""

    def show_without_errors(self):
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}
        return self
