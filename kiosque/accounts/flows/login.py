"""Identifier + password: find the account, apply the brute-force limits, check the password,
then open the remaining stages (accounts.flows.stages.LOGIN_STAGES).

Unknown logins go through the same steps as wrong passwords: the same throttle (under a key
derived from what was typed), a password hash of the same cost (as Django's ModelBackend
does), the same answer.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kiosque.accounts import app_settings
from kiosque.accounts.backends import account_can_authenticate
from kiosque.accounts.flows import credentials, history, stages, throttle
from kiosque.accounts.models import AttemptOutcome, PasswordChangeReason
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core.proxy import client_ip

WRONG_CREDENTIALS = "invalid_login"


@dataclass(frozen=True)
class LoginResult:
    response: object = None  # the redirect to the next stage, when the password was right
    error: str = ""
    code: str = ""


def find_user(identifier: str):
    """The account whose login or authentication e-mail is `identifier` (any case)."""
    identifier = identifier.strip()
    if not identifier:
        return None
    users = list(
        get_user_model()
        ._default_manager.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
        .order_by("pk")[:3]
    )
    by_login = [u for u in users if u.username.lower() == identifier.lower()]
    if by_login:
        return by_login[0]
    return users[0] if len(users) == 1 else None  # an ambiguous e-mail opens nothing


def password_expired(user, now=None) -> bool:
    if user.password_changed_at is None:
        return False
    max_age = timedelta(days=app_settings.PASSWORD_MAX_AGE_DAYS)
    return user.password_changed_at + max_age <= (now or timezone.now())


def _wrong_credentials() -> str:
    return _("Identifiant ou mot de passe incorrect.")


def _audit_failure(request, user, identifier, reason, outcome=AuditOutcome.FAILURE):
    record(
        AuditAction.LOGIN_FAILED,
        request=request,
        actor=user,
        outcome=outcome,
        context={"reason": reason, "known_login": user is not None},
    )


def _count_failure(request, user, account_key, ip_key) -> None:
    with transaction.atomic():
        locked = throttle.record_failure(account_key, throttle.account_limits())
        if locked and user is not None:
            _notify_lock(request, user)
        if locked:
            record(
                AuditAction.ACCOUNT_LOCKED,
                request=request,
                target=user,
                target_repr="" if user else "identifiant inconnu",
                outcome=AuditOutcome.DENIED,
                context={"reason": "too_many_failures", "key": "account"},
            )
    if throttle.record_failure(ip_key, throttle.ip_limits()):
        record(
            AuditAction.RATE_LIMITED,
            request=request,
            outcome=AuditOutcome.DENIED,
            context={"scope": "login", "key": "ip"},
        )


def _notify_lock(request, user) -> None:
    from kiosque.mail.services import enqueue

    if not user.email:
        return
    minutes = app_settings.LOGIN_LOCK_MINUTES
    enqueue(
        "accounts/email/account_locked",
        to=[user.email],
        context={"user": user, "minutes": minutes, "ip": client_ip(request) or ""},
    )


def sign_in_refusal(user) -> str:
    """Why an account whose credentials were just verified (password or passkey) still cannot
    sign in, or "" when it may: the account rule, and an expired temporary password."""
    if account_can_authenticate(user) and not credentials.temporary_password_expired(user):
        return ""
    return _refused_state_message(user)


def _refused_state_message(user) -> str:
    """Why a right password still cannot sign in (the account rule refused it, or the
    temporary password expired)."""
    now = timezone.now()
    if credentials.temporary_password_expired(user, now) and account_can_authenticate(user, now):
        when = date_format(timezone.localtime(user.temporary_password_expires_at), "d/m/Y")
        return _(
            "Votre mot de passe temporaire a expiré le %(date)s. Utilisez « Réinitialiser "
            "mon mot de passe » pour en recevoir un nouveau lien."
        ) % {"date": when}
    if user.lock_in_force(now):
        if user.locked_until:
            when = date_format(timezone.localtime(user.locked_until), "d/m/Y à H:i")
            return _("Ce compte est verrouillé jusqu'au %(date)s.") % {"date": when}
        return _("Ce compte est verrouillé. Contactez l'équipe de la plateforme.")
    return _("Ce compte est désactivé. Contactez l'équipe de la plateforme.")


@dataclass
class PasswordAttempt:
    """What the password check found, kept on the request for the signal receivers and the
    sign-in page (Django's `authenticate()` answers only a user or None)."""

    identifier: str
    user: object
    account_key: str
    ip_key: str
    reason: str = ""  # THROTTLED, UNKNOWN_LOGIN, WRONG_PASSWORD, REFUSED_STATE; "" when right
    refusal: throttle.Refusal | None = None


THROTTLED = "throttled"
UNKNOWN_LOGIN = "unknown_login"
WRONG_PASSWORD = "wrong_password"  # noqa: S105 - a reason name
REFUSED_STATE = "refused_state"
ATTEMPT_ATTRIBUTE = "kiosque_password_attempt"


def attempt_of(request) -> PasswordAttempt | None:
    return getattr(request, ATTEMPT_ATTRIBUTE, None)


def check_password(request, identifier: str, password: str, user_can_authenticate):
    """The backend's password check: the account, the limits, the password, the account rule.

    Returns the user when all pass, else None (a throttled attempt raises PermissionDenied,
    so that Django tries no other backend); the attempt stays on the request.
    """
    user = find_user(identifier)
    attempt = PasswordAttempt(
        identifier=identifier,
        user=user,
        account_key=throttle.account_key(user, identifier),
        ip_key=throttle.ip_key(client_ip(request)),
    )
    if request is not None:
        setattr(request, ATTEMPT_ATTRIBUTE, attempt)
    refusal, counted = throttle.check_keys(
        [(attempt.account_key, throttle.account_limits()), (attempt.ip_key, throttle.ip_limits())]
    )
    if refusal is not None:
        attempt.reason, attempt.refusal = THROTTLED, refusal
        raise PermissionDenied
    if user is None:
        get_user_model()().set_password(password)  # the same hashing cost as a real check
        attempt.reason = UNKNOWN_LOGIN
        return None
    if not user.check_password(password):  # also upgrades an outdated hash
        attempt.reason = WRONG_PASSWORD
        return None
    if not user_can_authenticate(user) or credentials.temporary_password_expired(user):
        attempt.reason = REFUSED_STATE
        return None
    if attempt.account_key in counted:  # no row when it was read: no failure to forget
        throttle.clear(attempt.account_key)
    return user


def on_login_failed(request, attempt: PasswordAttempt) -> None:
    """`user_login_failed`: the limits, the connection history and the audit."""
    user = attempt.user
    if attempt.reason == THROTTLED:
        if user is not None:
            history.record_attempt(request, user, AttemptOutcome.LOCKED)
        reason = "locked" if attempt.refusal.locked else "delayed"
        _audit_failure(request, user, attempt.identifier, reason, AuditOutcome.DENIED)
        return
    if attempt.reason == REFUSED_STATE:
        outcome = AttemptOutcome.LOCKED if user.lock_in_force() else AttemptOutcome.REFUSED
        history.record_attempt(request, user, outcome)
        _audit_failure(request, user, attempt.identifier, "refused_state", AuditOutcome.DENIED)
        return
    _count_failure(request, user, attempt.account_key, attempt.ip_key)
    if user is not None:
        history.record_attempt(request, user, AttemptOutcome.WRONG_PASSWORD)
    _audit_failure(request, user, attempt.identifier, attempt.reason)


def authenticate(request, identifier: str, password: str, next_url: str = "") -> LoginResult:
    """The password stage, through `django.contrib.auth.authenticate()`."""
    user = auth.authenticate(request, username=identifier, password=password)
    if user is None:
        attempt = attempt_of(request)
        if attempt is not None and attempt.reason == THROTTLED:
            return LoginResult(error=attempt.refusal.message(), code="throttled")
        if attempt is not None and attempt.reason == REFUSED_STATE:
            return LoginResult(error=_refused_state_message(attempt.user), code="refused")
        return LoginResult(error=_wrong_credentials(), code=WRONG_CREDENTIALS)
    if password_expired(user) and not user.must_change_password:
        user.must_change_password = True
        user.must_change_reason = PasswordChangeReason.EXPIRED
        user.save(update_fields=["must_change_password", "must_change_reason"])
    response = stages.begin(
        request, user, stages.pending_for(user), method="password", next_url=next_url
    )
    return LoginResult(response=response)
