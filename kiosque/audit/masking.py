"""Secrets never reach the audit log: values under secret-looking keys are masked."""

import re

MASK = "***"
SECRET_KEY_PATTERN = re.compile(
    r"pass(word|wd)?|mot_de_passe|secret|token|code|otp|totp|key|cle|clef|captcha|"
    r"authorization|cookie|session|nonce|verifier",
    re.IGNORECASE,
)


def mask_secrets(value, key: str = ""):
    if key and SECRET_KEY_PATTERN.search(key) and not isinstance(value, (dict, list, tuple)):
        return MASK
    if isinstance(value, dict):
        return {str(k): mask_secrets(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_secrets(v, key) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
