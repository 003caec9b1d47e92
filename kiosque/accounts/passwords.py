"""Random passwords easy to copy from an e-mail, that satisfy the password policy
(kiosque.accounts.validators.rules(): 12+ characters, lower case, upper case, digit, special).

- no look-alike characters: neither 0/O/o nor 1/l/I/i are drawn;
- no symbol at either end (a leading "=_" or a trailing "!" reads as punctuation of the
  sentence around it); the symbols are ones a mail client never turns into formatting
  (no "*", "_", "~") and that every keyboard layout types directly;
- drawn with `secrets` (the operating system's random source).

The "Générer le mot de passe automatiquement" button draws from the same alphabets
(`browser_alphabets()`, given to the page's script), with the same shape.
"""

import secrets

from kiosque.accounts import validators

LOWER = "abcdefghjkmnpqrstuvwxyz"  # no i, l, o
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
DIGITS = "23456789"  # no 0, 1
SPECIALS = "!#$%+=?@"
LETTERS = LOWER + UPPER
ALPHABETS = {"lower": LOWER, "upper": UPPER, "digits": DIGITS, "special": SPECIALS}
DEFAULT_LENGTH = 16


def browser_alphabets() -> dict[str, str]:
    return dict(ALPHABETS)


def generate_password(length: int = DEFAULT_LENGTH) -> str:
    """A password of at least `length` characters (more if the policy asks for more)."""
    minimum = {rule.code: rule.minimum for rule in validators.rules()}
    required = [
        secrets.choice(ALPHABETS[code])
        for code in ("lower", "upper", "digits", "special")
        for _ in range(max(1, minimum.get(code, 0)))
    ]
    # The first and last characters are a letter; the required ones go in between.
    length = max(length, minimum.get("length", 0), len(required) + 2)
    everything = "".join(ALPHABETS.values())
    middle = required + [secrets.choice(everything) for _ in range(length - 2 - len(required))]
    secrets.SystemRandom().shuffle(middle)
    return secrets.choice(LETTERS) + "".join(middle) + secrets.choice(LETTERS)
