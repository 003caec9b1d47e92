"""Kiosque's authentication backend, and the one rule for "may this account authenticate now".

`user_can_authenticate` follows Django's ModelBackend contract: Django calls it when a
password is checked (`authenticate()`) and when a session's user is loaded at each request
(`get_user()`, so a session of an account deactivated or locked meanwhile is no longer
signed in). Every other entry (Pro Santé Connect, password reset, forgotten login,
expiry reminders, the portal, the OIDC endpoints, a referent's grant) calls
`account_can_authenticate`, which is this same rule.
"""

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class AccountBackend(ModelBackend):
    """Sign-in by login or authentication e-mail, through the password stage's limits."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        from kiosque.accounts.flows import login

        return login.check_password(request, username, password, self.user_can_authenticate)

    def user_can_authenticate(self, user, now=None) -> bool:
        """Active, not deactivated, and no lock in force (a lock with a past end is over)."""
        return (
            user.is_active
            and user.deactivated_at is None
            and not user.lock_in_force(now or timezone.now())
        )


def account_can_authenticate(user, now=None) -> bool:
    """The rule, for entries that are not a password check (no user: False)."""
    if user is None or not user.is_authenticated:
        return False
    return AccountBackend().user_can_authenticate(user, now)
