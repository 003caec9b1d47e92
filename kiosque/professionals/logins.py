"""Logins built from the names, as the guides say: first letter of the first name followed by
the usage name, in lower case, accents folded, spaces, hyphens and apostrophes removed
(Nathalie DUPONT → ndupont; Hélène LE GOFF-D'ARC → hlegoffdarc). When taken, a number goes
after the initial, starting at 2 (n2dupont, n3dupont, ...).

Independent of the user model: flows/provision.py tries the candidates against the database.
"""

import re
import unicodedata
from collections.abc import Iterator

# Letters that NFKD does not decompose into an ASCII base letter.
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
)
_NOT_LETTER = re.compile(r"[^a-z]")
MAX_LAST_NAME_LENGTH = 60
FALLBACK_INITIAL = "x"
FALLBACK_NAME = "utilisateur"


def fold(text: str) -> str:
    """Lower-case ASCII letters only: "Le Goff-D'Arc" → "legoffdarc"."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").translate(_LIGATURES))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_LETTER.sub("", ascii_text)


def login_parts(first_name: str, last_name: str) -> tuple[str, str]:
    """(initial, folded usage name) of a person."""
    initial = fold(first_name)[:1] or FALLBACK_INITIAL
    name = fold(last_name)[:MAX_LAST_NAME_LENGTH] or FALLBACK_NAME
    return initial, name


def base_login(first_name: str, last_name: str) -> str:
    initial, name = login_parts(first_name, last_name)
    return initial + name


def numbered_login(first_name: str, last_name: str, number: int) -> str:
    """The login with `number` after the initial (number 1 is the plain login)."""
    initial, name = login_parts(first_name, last_name)
    return initial + name if number <= 1 else f"{initial}{number}{name}"


def login_candidates(first_name: str, last_name: str, limit: int = 1000) -> Iterator[str]:
    """ndupont, n2dupont, n3dupont, ... (at most `limit` candidates)."""
    for number in range(1, limit + 1):
        yield numbered_login(first_name, last_name, number)
