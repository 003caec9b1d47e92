from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

from kiosque.accounts import passwords, validators


def safe_next(request, value: str | None) -> str:
    """`next` when it stays on this site, else ""."""
    if value and url_has_allowed_host_and_scheme(
        value,
        allowed_hosts={request.get_host(), *settings.ALLOWED_HOSTS},
        require_https=request.is_secure(),
    ):
        return value
    return ""


def policy_context() -> dict:
    return {
        "policy_rules": validators.rules(),
        "password_alphabets": passwords.browser_alphabets(),
    }
