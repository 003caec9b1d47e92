"""Which second factors a user may use at sign-in."""

from django.conf import settings

TOTP = "totp"
MAIL_CODE = "mail_code"


def staff_requires_totp(user) -> bool:
    return bool(getattr(settings, "KIOSQUE_STAFF_REQUIRE_TOTP", False) and user.is_staff)


def has_totp(user) -> bool:
    if "totp_devices" in getattr(user, "_prefetched_objects_cache", {}):
        return bool(user.totp_devices.all())
    return user.totp_devices.exists()


def available(user) -> list[str]:
    """The methods offered, TOTP first. Empty: the user cannot pass the stage alone."""
    methods = [TOTP] if has_totp(user) else []
    if user.email and not staff_requires_totp(user):
        methods.append(MAIL_CODE)
    return methods
