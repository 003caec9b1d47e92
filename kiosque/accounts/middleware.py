"""Signed-in sessions end after 4 hours of inactivity and 12 hours in any case (settings
KIOSQUE_SESSION_IDLE_SECONDS and KIOSQUE_SESSION_ABSOLUTE_SECONDS), and at the first request
after the account rule refuses the account (deactivated or locked meanwhile). A password
that expires during a session sends the user to the change page. Placed after
AuthenticationMiddleware and MessageMiddleware."""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kiosque.accounts import app_settings
from kiosque.accounts.flows import login, sessions
from kiosque.core.durations import format_duration

# What a user whose password expired may still open.
EXPIRED_PASSWORD_URL_NAMES = ("accounts:password_change", "accounts:logout")


def _message(reason: str) -> str:
    if reason == sessions.IDLE:
        return _("Vous avez été déconnecté après %(duration)s d'inactivité.") % {
            "duration": format_duration(app_settings.SESSION_IDLE_SECONDS)
        }
    return _(
        "Vous avez été déconnecté : une session dure au plus %(duration)s. "
        "Veuillez vous authentifier à nouveau."
    ) % {"duration": format_duration(app_settings.SESSION_ABSOLUTE_SECONDS)}


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.session_key is None:
            # No session cookie: nobody is signed in and there is no session to end. Checking
            # the key does not load the session nor resolve the lazy request.user.
            return self.get_response(request)
        if request.user.is_authenticated:
            reason = sessions.expired(request)
            if reason:
                sessions.logout(request, reason=f"timeout_{reason}")
                messages.info(request, _message(reason))
            else:
                sessions.touch(request)
                if login.password_expired(request.user) and not _open_when_expired(request):
                    messages.warning(
                        request,
                        _(
                            "Votre mot de passe a expiré (il est valable 4 mois) : "
                            "choisissez-en un nouveau."
                        ),
                    )
                    return redirect("accounts:password_change")
        elif request.session.get(SESSION_KEY):
            # A session names an account, but the backend's get_user() refused it: the
            # account rule (accounts.backends) no longer lets it authenticate.
            sessions.logout(request, reason="account_refused")
            messages.error(
                request, _("Votre session a été fermée : ce compte ne peut plus se connecter.")
            )
        return self.get_response(request)


def _open_when_expired(request) -> bool:
    return request.path in {reverse(name) for name in EXPIRED_PASSWORD_URL_NAMES}
