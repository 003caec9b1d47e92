"""Phone numbers as people read them.

Numbers are stored in E.164 form ("+33237515253", see validators.normalize_phone); they are
shown in the national format for French numbers, metropolitan or overseas ("02 37 51 52 53"),
and in the international format for the others ("+41 22 345 67 89")."""

import phonenumbers

from kiosque.directory.validators import PHONE_REGIONS


def display_phone(value) -> str:
    """`value` formatted for reading; anything that is not a valid E.164 number is returned
    as it is (so free text that happens to hold digits is never rewritten)."""
    text = "" if value is None else str(value).strip()
    if not text.startswith("+"):
        return text
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    if phonenumbers.region_code_for_number(number) in PHONE_REGIONS:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
