"""Forgotten login ("J'ai oublié mon identifiant"): the login is sent to the authentication
e-mail. The answer never says whether an account uses the address."""

import hashlib

from django.db import transaction

from kiosque.accounts.flows.reset import users_for_email
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import ratelimit
from kiosque.mail.services import enqueue, render_email

EMAIL_TEMPLATE = "accounts/email/forgotten_login"


def send_login(request, email: str) -> None:
    users = users_for_email(email)
    key = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    allowed = ratelimit.hit(key, "forgotten_login.email").allowed
    if not users or not allowed:
        render_email(EMAIL_TEMPLATE, {"logins": ["x"]})
        record(
            AuditAction.PASSWORD_RESET_REQUESTED,
            request=request,
            outcome=AuditOutcome.DENIED,
            context={"kind": "forgotten_login", "known": bool(users), "rate_limited": not allowed},
        )
        return
    with transaction.atomic():
        enqueue(
            EMAIL_TEMPLATE,
            to=[users[0].email],
            context={"user": users[0], "logins": [user.username for user in users]},
        )
        record(
            AuditAction.PASSWORD_RESET_REQUESTED,
            request=request,
            target=users[0],
            context={"kind": "forgotten_login"},
        )
