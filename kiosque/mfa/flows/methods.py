"""Which second factors a user may use at sign-in."""

from kiosque.mfa import app_settings

PASSKEY = "passkey"
TOTP = "totp"
MAIL_CODE = "mail_code"
CODE_METHODS = (TOTP, MAIL_CODE)


def staff_requires_totp(user) -> bool:
    return bool(app_settings.STAFF_REQUIRE_TOTP and user.is_staff)


def has_totp(user) -> bool:
    if "totp_devices" in getattr(user, "_prefetched_objects_cache", {}):
        return bool(user.totp_devices.all())
    return user.totp_devices.exists()


def has_passkey(user) -> bool:
    if "passkeys" in getattr(user, "_prefetched_objects_cache", {}):
        return bool(user.passkeys.all())
    return user.passkeys.exists()


def available(user) -> list[str]:
    """The methods offered, strongest first (passkey, TOTP, mail code). Empty: the user
    cannot pass the stage alone. A passkey is offered to staff too (it is stronger than
    the TOTP that KIOSQUE_STAFF_REQUIRE_TOTP asks for)."""
    methods = [PASSKEY] if has_passkey(user) else []
    if has_totp(user):
        methods.append(TOTP)
    if user.email and not staff_requires_totp(user):
        methods.append(MAIL_CODE)
    return methods


def offers(user, method: str) -> bool:
    """Whether `method` is among `available(user)`, reading only what that method needs."""
    if method == PASSKEY:
        return has_passkey(user)
    if method == TOTP:
        return has_totp(user)
    return method == MAIL_CODE and bool(user.email) and not staff_requires_totp(user)


def several(user) -> bool:
    """More than one method offered (`len(available(user)) > 1`): the passkeys are read only
    when the TOTP devices and the e-mail leave it open."""
    others = has_totp(user) + offers(user, MAIL_CODE)
    return others > 1 or (others == 1 and has_passkey(user))
