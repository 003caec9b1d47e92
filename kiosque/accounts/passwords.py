"""Random passwords that satisfy the policy of the 2025 guide (12+ characters,
lower case, upper case, digit, special character)."""

import secrets
import string

SPECIALS = "!@#$%&*+-=?_"
# Characters easy to confuse when read from an e-mail are left out.
LOWER = "".join(c for c in string.ascii_lowercase if c not in "l")
UPPER = "".join(c for c in string.ascii_uppercase if c not in "IO")
DIGITS = "23456789"


def generate_password(length: int = 16) -> str:
    if length < 12:
        raise ValueError("length must be at least 12")
    pools = (LOWER, UPPER, DIGITS, SPECIALS)
    chars = [secrets.choice(pool) for pool in pools]
    alphabet = "".join(pools)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
