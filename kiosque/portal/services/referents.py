"""Who referees which application: the check the referent flows and views share."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kiosque.accounts import roles
from kiosque.accounts.backends import account_can_authenticate
from kiosque.portal.models import Application


def is_referent_of(user, application: Application) -> bool:
    return (
        account_can_authenticate(user)
        and roles.has_role(user, roles.APPLICATION_REFERENTS)
        and application.referents.filter(pk=user.pk).exists()
    )


def ensure_referent(user, application: Application) -> None:
    if not is_referent_of(user, application):
        raise PermissionDenied(
            _("Vous n'êtes pas référent de l'application %(name)s.") % {"name": application.name}
        )


def referent_applications(user):
    """The applications whose requests `user` may review."""
    if not account_can_authenticate(user) or not roles.has_role(user, roles.APPLICATION_REFERENTS):
        return Application.objects.none()
    return Application.objects.filter(referents=user)
