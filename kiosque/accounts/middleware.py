"""Signed-in sessions end after 4 hours of inactivity and 12 hours in any case (settings
KIOSQUE_SESSION_IDLE_SECONDS and KIOSQUE_SESSION_ABSOLUTE_SECONDS). Placed after
AuthenticationMiddleware and MessageMiddleware."""

from django.contrib import messages
from django.utils.translation import gettext as _

from kiosque.accounts import conf
from kiosque.accounts.flows import sessions
from kiosque.core.durations import format_duration


def _message(reason: str) -> str:
    if reason == sessions.IDLE:
        return _("Vous avez été déconnecté après %(duration)s d'inactivité.") % {
            "duration": format_duration(conf.get("KIOSQUE_SESSION_IDLE_SECONDS"))
        }
    return _(
        "Vous avez été déconnecté : une session dure au plus %(duration)s. "
        "Veuillez vous authentifier à nouveau."
    ) % {"duration": format_duration(conf.get("KIOSQUE_SESSION_ABSOLUTE_SECONDS"))}


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = sessions.expired(request)
            if reason:
                sessions.logout(request, reason=f"timeout_{reason}")
                messages.info(request, _message(reason))
            else:
                sessions.touch(request)
        return self.get_response(request)
