"""WebAuthn for Kiosque, through Duo Labs' py_webauthn: options, challenges, verification.

Every ceremony (enrolment, second factor, passwordless sign-in) draws a challenge kept in
the session under its purpose: one at a time per purpose, used once (taken out before it is
checked), and refused after KIOSQUE_PASSKEY_CHALLENGE_SECONDS. User verification is always
required. Attestation is "none" unless KIOSQUE_PASSKEY_ALLOWED_AAGUIDS lists the
homologated authenticators: then "direct" is asked and any other AAGUID is refused.

The signature counter is not left to the library (it is given 0): once the signature is
verified, `claim_counter` moves the stored counter forward with a conditional UPDATE, so two
processes checking the same assertion cannot both accept it, and a counter that goes back
is told apart from a bad signature (and audited as such).
"""

import enum
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AttestationFormat,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from kiosque.mfa import app_settings
from kiosque.mfa.models import Passkey

CHALLENGES_SESSION_KEY = "_kiosque_passkey_challenges"


class Purpose(enum.StrEnum):
    ENROL = "enrol"
    SECOND_FACTOR = "second_factor"
    PASSWORDLESS = "passwordless"


class Failure(enum.StrEnum):
    NO_CHALLENGE = "no_challenge"  # none asked, already used, or expired
    MALFORMED = "malformed"
    INVALID = "invalid"  # origin, RP ID, challenge, flags or signature refused
    UNKNOWN_CREDENTIAL = "unknown_credential"
    WRONG_USER = "wrong_user"
    COUNTER_REGRESSION = "counter_regression"
    AAGUID_NOT_ALLOWED = "aaguid_not_allowed"
    ALREADY_REGISTERED = "already_registered"


class PasskeyError(Exception):
    """`user`: the owner of the credential presented, when it is known (for the audit)."""

    def __init__(self, failure: Failure, detail: str = "", *, user=None):
        super().__init__(f"{failure}: {detail}" if detail else str(failure))
        self.failure = failure
        self.user = user


def user_handle(user) -> bytes:
    """The WebAuthn user.id for new passkeys: the same for every key of an account (an
    authenticator keeps one per account), no personal data (WebAuthn §14.6.1). Each passkey
    stores the handle it was created with, so a new SECRET_KEY does not break old keys."""
    key = hashlib.sha256(b"kiosque.mfa.passkey-user:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, str(user.pk).encode(), hashlib.sha256).digest()


# --- challenges --------------------------------------------------------------------------


def _new_challenge(request, purpose: Purpose, user=None) -> bytes:
    challenge = secrets.token_bytes(32)
    challenges = dict(request.session.get(CHALLENGES_SESSION_KEY) or {})
    challenges[str(purpose)] = {
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
        "user": user.pk if user is not None else None,
    }
    request.session[CHALLENGES_SESSION_KEY] = challenges
    return challenge


def _take_challenge(request, purpose: Purpose, user=None) -> bytes:
    """The pending challenge of `purpose`, removed from the session (it serves once)."""
    challenges = dict(request.session.get(CHALLENGES_SESSION_KEY) or {})
    entry = challenges.pop(str(purpose), None)
    request.session[CHALLENGES_SESSION_KEY] = challenges
    if not isinstance(entry, dict):
        raise PasskeyError(Failure.NO_CHALLENGE)
    if time.time() - float(entry.get("at", 0)) > app_settings.PASSKEY_CHALLENGE_SECONDS:
        raise PasskeyError(Failure.NO_CHALLENGE, "expired")
    if entry.get("user") != (user.pk if user is not None else None):
        raise PasskeyError(Failure.NO_CHALLENGE, "another user")
    return base64url_to_bytes(entry["challenge"])


def _timeout_ms() -> int:
    return app_settings.PASSKEY_CHALLENGE_SECONDS * 1000


def _descriptors(passkeys) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for passkey in passkeys:
        transports = []
        for value in passkey.transports or ():
            try:
                transports.append(AuthenticatorTransport(value))
            except ValueError:
                continue
        descriptors.append(
            PublicKeyCredentialDescriptor(id=bytes(passkey.credential_id), transports=transports)
        )
    return descriptors


# --- enrolment ---------------------------------------------------------------------------


def registration_options(request, user) -> str:
    """The JSON of PublicKeyCredentialCreationOptions for a new passkey of `user`."""
    homologated = bool(app_settings.allowed_aaguids)
    options = generate_registration_options(
        rp_id=app_settings.rp_id,
        rp_name=app_settings.PASSKEY_RP_NAME,
        user_name=user.get_username(),
        user_id=user_handle(user),
        user_display_name=user.get_full_name() or user.get_username(),
        challenge=_new_challenge(request, Purpose.ENROL, user),
        timeout=_timeout_ms(),
        attestation=(
            AttestationConveyancePreference.DIRECT
            if homologated
            else AttestationConveyancePreference.NONE
        ),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(Passkey.objects.filter(user=user)),
    )
    return options_to_json(options)


def verify_registration(request, user, credential: str, *, name: str) -> Passkey:
    """The new passkey, saved; raises PasskeyError."""
    challenge = _take_challenge(request, Purpose.ENROL, user)
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=app_settings.rp_id,
            expected_origin=app_settings.origins,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyError(Failure.INVALID, str(error)) from error
    aaguid = str(verified.aaguid).lower()
    allowed = app_settings.allowed_aaguids
    if allowed and (verified.fmt == AttestationFormat.NONE or aaguid not in allowed):
        raise PasskeyError(Failure.AAGUID_NOT_ALLOWED, aaguid)
    if Passkey.objects.filter(credential_id=verified.credential_id).exists():
        raise PasskeyError(Failure.ALREADY_REGISTERED)
    return Passkey.objects.create(
        user=user,
        name=name,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        user_handle=user_handle(user),
        sign_count=verified.sign_count,
        transports=[str(t.value) for t in (parsed.response.transports or [])],
        aaguid=aaguid,
        backup_eligible=verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE,
        created_at=timezone.now(),
    )


# --- authentication ----------------------------------------------------------------------


def authentication_options(request, purpose: Purpose, user=None) -> str:
    """Options for an assertion: of `user`'s passkeys, or of any discoverable one (user None)."""
    allow = _descriptors(Passkey.objects.filter(user=user)) if user is not None else []
    options = generate_authentication_options(
        rp_id=app_settings.rp_id,
        challenge=_new_challenge(request, purpose, user),
        timeout=_timeout_ms(),
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def claim_counter(passkey_pk: int, new_count: int, *, now=None) -> bool:
    """Record `new_count`; True for exactly one caller. A counter of 0 stays allowed only
    for an authenticator that never counts (WebAuthn §6.1.1)."""
    moves = Q(sign_count__lt=new_count) if new_count > 0 else Q(sign_count=0)
    return bool(
        Passkey.objects.filter(moves, pk=passkey_pk).update(
            sign_count=new_count, last_used_at=now or timezone.now()
        )
    )


def verify_assertion(request, purpose: Purpose, credential: str, *, user=None) -> Passkey:
    """The passkey that signed this session's challenge; raises PasskeyError.

    `user`: the account that must own it (second factor); None: whoever owns it (passwordless).
    """
    challenge = _take_challenge(request, purpose, user)
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyError(Failure.MALFORMED, str(error)) from error
    passkey = Passkey.objects.select_related("user").filter(credential_id=parsed.raw_id).first()
    if passkey is None:
        raise PasskeyError(Failure.UNKNOWN_CREDENTIAL)
    if user is not None and passkey.user_id != user.pk:
        raise PasskeyError(Failure.WRONG_USER, user=passkey.user)
    handle = parsed.response.user_handle
    if handle is not None and not hmac.compare_digest(bytes(handle), bytes(passkey.user_handle)):
        raise PasskeyError(Failure.WRONG_USER, "user handle", user=passkey.user)
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=app_settings.rp_id,
            expected_origin=app_settings.origins,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=0,  # checked atomically by claim_counter
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyError(Failure.INVALID, str(error), user=passkey.user) from error
    if not claim_counter(passkey.pk, verified.new_sign_count):
        detail = f"{verified.new_sign_count} <= {passkey.sign_count}"
        raise PasskeyError(Failure.COUNTER_REGRESSION, detail, user=passkey.user)
    return passkey


def amr_of(passkey: Passkey) -> str:
    """RFC 8176: a device-bound key is "hwk"; a synced passkey (backup eligible) is "swk"."""
    return "swk" if passkey.backup_eligible else "hwk"
