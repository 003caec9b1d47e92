"""Helpers shared by the portal's flows: mail contexts and the referent check."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kiosque.accounts import roles
from kiosque.accounts.backends import account_can_authenticate
from kiosque.mail.services import enqueue
from kiosque.portal.models import AccessRequest, Application


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


def mail_user(template: str, user, application: Application, **context) -> None:
    if not user.email:
        return
    enqueue(
        f"portal/email/{template}",
        to=[user.email],
        context={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "application_name": application.name,
            "application_title": application.long_name or application.name,
            **context,
        },
    )


def mail_referents(access_request: AccessRequest) -> None:
    application = access_request.application
    addresses = [
        referent.email
        for referent in application.referents.filter(is_active=True)
        if referent.email
    ]
    if not addresses:
        return
    enqueue(
        "portal/email/request_to_review",
        to=addresses,
        context={
            "application_name": application.name,
            "requester": access_request.user.display_name(),
            "request_id": access_request.pk,
        },
    )
