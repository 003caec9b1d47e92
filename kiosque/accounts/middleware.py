"""Signed-in sessions end after 4 hours of inactivity and 12 hours in any case (settings
KIOSQUE_SESSION_IDLE_SECONDS and KIOSQUE_SESSION_ABSOLUTE_SECONDS). Placed after
AuthenticationMiddleware and MessageMiddleware."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kiosque.accounts import conf
from kiosque.accounts.flows import sessions


def _hours(name: str) -> int:
    return max(1, round(conf.get(name) / 3600))


def _message(reason: str) -> str:
    if reason == sessions.IDLE:
        hours = _hours("KIOSQUE_SESSION_IDLE_SECONDS")
        return ngettext(
            "Vous avez été déconnecté après %(hours)d heure d'inactivité.",
            "Vous avez été déconnecté après %(hours)d heures d'inactivité.",
            hours,
        ) % {"hours": hours}
    hours = _hours("KIOSQUE_SESSION_ABSOLUTE_SECONDS")
    return _(
        "Vous avez été déconnecté : une session dure au plus %(hours)d heures. "
        "Veuillez vous authentifier à nouveau."
    ) % {"hours": hours}


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
