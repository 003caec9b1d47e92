"""Password reset by e-mail link ("Mot de passe oublié ?").

The answer is the same whether or not an account uses the address: the same page, the same
database work (a lookup, a token made and hashed, the e-mail rendered), only the rows are not
written for an unknown address. Only the SHA-256 of the token is stored; a link is single use,
valid `KIOSQUE_PASSWORD_RESET_HOURS`, and dies with any password change or a newer link.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kiosque.accounts import app_settings
from kiosque.accounts.backends import account_can_authenticate
from kiosque.accounts.flows import credentials, sessions
from kiosque.accounts.models import PasswordResetToken
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import ratelimit
from kiosque.mail.services import enqueue, render_email

SESSION_TOKEN = "_kiosque_reset_token"  # noqa: S105 - a session key name
EMAIL_TEMPLATE = "accounts/email/password_reset"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def valid_until(now=None) -> datetime:
    return (now or timezone.now()) + timedelta(hours=app_settings.PASSWORD_RESET_HOURS)


def users_for_email(email: str):
    email = email.strip()
    if not email:
        return []
    users = get_user_model()._default_manager.filter(email__iexact=email).order_by("pk")
    return [user for user in users if account_can_authenticate(user)]


def _link(token: str) -> str:
    from kiosque.core import app_settings as core_settings

    return core_settings.BASE_URL + reverse("accounts:password_reset_link", args=[token])


def request_reset(request, email: str) -> datetime:
    """Send a link when the address belongs to an account; returns the validity shown."""
    now = timezone.now()
    expires_at = valid_until(now)
    users = users_for_email(email)
    key = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    allowed = ratelimit.hit(key, "password_reset.email").allowed
    token = secrets.token_urlsafe(32)
    token_hash = hash_token(token)
    context = {"link": _link(token), "expires_at": expires_at}
    if not users or not allowed:
        render_email(EMAIL_TEMPLATE, context)  # the same rendering work, nothing stored
        PasswordResetToken.objects.filter(user_id=None).delete()
        record(
            AuditAction.PASSWORD_RESET_REQUESTED,
            request=request,
            outcome=AuditOutcome.DENIED,
            context={"known": bool(users), "rate_limited": not allowed},
        )
        return expires_at
    user = users[0]
    with transaction.atomic():
        PasswordResetToken.objects.filter(user=user).delete()  # a newer link kills older ones
        PasswordResetToken.objects.create(
            user=user, token_hash=token_hash, created_at=now, expires_at=expires_at
        )
        enqueue(
            EMAIL_TEMPLATE,
            to=[user.email],
            context={**context, "user": user},
            purge_after_delivery=True,
        )
        record(AuditAction.PASSWORD_RESET_REQUESTED, request=request, target=user)
    return expires_at


def remember_token(request, token: str) -> None:
    """The link's token moves to the session; the URL that carried it is left at once."""
    request.session[SESSION_TOKEN] = token


def pending_token(request) -> PasswordResetToken | None:
    """The valid reset token held by this session, if any."""
    token = request.session.get(SESSION_TOKEN)
    if not token:
        return None
    candidate = hash_token(token)
    row = (
        PasswordResetToken.objects.select_related("user")
        .filter(token_hash=candidate, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not hmac.compare_digest(row.token_hash, candidate):
        return None
    if not account_can_authenticate(row.user):
        return None
    return row


def complete(request, row: PasswordResetToken, password: str) -> bool:
    """Set the new password (already validated); False if the link was used meanwhile."""
    user = row.user
    with transaction.atomic():
        taken = PasswordResetToken.objects.filter(pk=row.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if taken != 1:
            return False
        credentials.set_password(user, password)  # also deletes every reset token of the user
        enqueue("accounts/email/password_reset_done", to=[user.email], context={"user": user})
        record(AuditAction.PASSWORD_RESET_DONE, request=request, target=user)
    sessions.end_all(user)
    request.session.pop(SESSION_TOKEN, None)
    return True
