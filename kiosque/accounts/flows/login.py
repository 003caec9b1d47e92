"""Identifier + password: find the account, apply the brute-force limits, check the password,
then open the remaining stages (forced password change, second factor).

Unknown logins go through the same steps as wrong passwords: the same throttle (under a key
derived from what was typed), a password hash of the same cost (as Django's ModelBackend
does), the same answer.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kiosque.accounts import conf
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
    max_age = timedelta(days=conf.get("KIOSQUE_PASSWORD_MAX_AGE_DAYS"))
    return user.password_changed_at + max_age <= (now or timezone.now())


def stages_for(user) -> list[stages.Stage]:
    pending = []
    if user.must_change_password or password_expired(user):
        pending.append(stages.Stage.PASSWORD_CHANGE)
    if conf.get("KIOSQUE_SECOND_FACTOR_REQUIRED"):
        pending.append(stages.Stage.SECOND_FACTOR)
    return pending


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


def _refused(request, user, refusal, identifier) -> LoginResult:
    if user is not None:
        history.record_attempt(request, user, AttemptOutcome.LOCKED)
    _audit_failure(
        request, user, identifier, "locked" if refusal.locked else "delayed", AuditOutcome.DENIED
    )
    return LoginResult(error=refusal.message(), code="throttled")


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
    minutes = conf.get("KIOSQUE_LOGIN_LOCK_MINUTES")
    enqueue(
        "accounts/email/account_locked",
        to=[user.email],
        context={"user": user, "minutes": minutes, "ip": client_ip(request) or ""},
    )


def _refuse_signed_in_state(request, user) -> str:
    """A right password that still cannot sign in: deactivated, locked, expired temporary."""
    now = timezone.now()
    if not user.is_active or user.deactivated_at:
        return _("Ce compte est désactivé. Contactez l'équipe de la plateforme.")
    if user.lock_in_force(now):
        if user.locked_until:
            when = date_format(timezone.localtime(user.locked_until), "d/m/Y à H:i")
            return _("Ce compte est verrouillé jusqu'au %(date)s.") % {"date": when}
        return _("Ce compte est verrouillé. Contactez l'équipe de la plateforme.")
    if credentials.temporary_password_expired(user, now):
        when = date_format(timezone.localtime(user.temporary_password_expires_at), "d/m/Y")
        return _(
            "Votre mot de passe temporaire a expiré le %(date)s. Utilisez « Réinitialiser "
            "mon mot de passe » pour en recevoir un nouveau lien."
        ) % {"date": when}
    return ""


def authenticate(request, identifier: str, password: str, next_url: str = "") -> LoginResult:
    user = find_user(identifier)
    account_key = throttle.account_key(user, identifier)
    ip_key = throttle.ip_key(client_ip(request))
    refusal, counted = throttle.check_keys(
        [(account_key, throttle.account_limits()), (ip_key, throttle.ip_limits())]
    )
    if refusal is not None:
        return _refused(request, user, refusal, identifier)

    if user is None:
        get_user_model()().set_password(password)  # the same hashing cost as a real check
        _count_failure(request, None, account_key, ip_key)
        _audit_failure(request, None, identifier, "unknown_login")
        return LoginResult(error=_wrong_credentials(), code=WRONG_CREDENTIALS)

    if not user.check_password(password):  # also upgrades an outdated hash
        _count_failure(request, user, account_key, ip_key)
        history.record_attempt(request, user, AttemptOutcome.WRONG_PASSWORD)
        _audit_failure(request, user, identifier, "wrong_password")
        return LoginResult(error=_wrong_credentials(), code=WRONG_CREDENTIALS)

    message = _refuse_signed_in_state(request, user)
    if message:
        outcome = AttemptOutcome.LOCKED if user.lock_in_force() else AttemptOutcome.REFUSED
        history.record_attempt(request, user, outcome)
        _audit_failure(request, user, identifier, "refused_state", AuditOutcome.DENIED)
        return LoginResult(error=message, code="refused")

    if account_key in counted:  # no row when it was read: no failure to forget
        throttle.clear(account_key)
    if password_expired(user) and not user.must_change_password:
        user.must_change_password = True
        user.must_change_reason = PasswordChangeReason.EXPIRED
        user.save(update_fields=["must_change_password", "must_change_reason"])
    response = stages.begin(request, user, stages_for(user), method="password", next_url=next_url)
    return LoginResult(response=response)
