"""Helpers shared by the portal's flows: the mails to a user and to the referents."""

from kiosque.mail.services import enqueue
from kiosque.portal.models import AccessRequest, Application


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
