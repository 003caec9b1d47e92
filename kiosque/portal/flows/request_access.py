"""A user asks for access to an application, or answers a referent's question."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kiosque.audit.services import AuditAction, record
from kiosque.portal.flows._common import mail_referents, mail_user
from kiosque.portal.models import AccessRequest, Application
from kiosque.portal.services.access import account_is_usable, has_access


def check_can_request(user, application: Application) -> None:
    """Raise a French ValidationError when `user` may not ask for `application` now."""
    if not account_is_usable(user):
        raise ValidationError(
            _("Votre compte ne permet pas de demander un accès."), code="account_unusable"
        )
    if not application.is_active or not application.requires_request:
        raise ValidationError(
            _("L'application %(name)s ne se demande pas."),
            code="not_requestable",
            params={"name": application.name},
        )
    if has_access(user, application):
        raise ValidationError(
            _("Vous avez déjà accès à l'application %(name)s."),
            code="already_granted",
            params={"name": application.name},
        )
    if open_request(user, application) is not None:
        raise ValidationError(
            _("Vous avez déjà une demande en cours pour l'application %(name)s."),
            code="already_pending",
            params={"name": application.name},
        )


def open_request(user, application: Application) -> AccessRequest | None:
    return AccessRequest.objects.filter(
        user=user, application=application, status__in=AccessRequest.OPEN_STATUSES
    ).first()


def submit(
    user,
    application: Application,
    answers: list[dict],
    *,
    request=None,
    source: str = AccessRequest.Source.PORTAL,
    notify_user: bool = True,
) -> AccessRequest:
    """Create a pending request (answers already validated by AccessRequestForm)."""
    check_can_request(user, application)
    try:
        with transaction.atomic():
            access_request = AccessRequest.objects.create(
                user=user, application=application, answers=answers, source=source
            )
            record(
                AuditAction.ACCESS_REQUESTED,
                request=request,
                actor=user,
                target=access_request,
                context={"application": application.slug, "source": source},
            )
            if notify_user:
                mail_user("request_received", user, application)
            mail_referents(access_request)
    except IntegrityError:
        # Two submissions raced past check_can_request: the constraint kept one.
        raise ValidationError(
            _("Vous avez déjà une demande en cours pour l'application %(name)s."),
            code="already_pending",
            params={"name": application.name},
        ) from None
    return access_request


def awaits_form(access_request: AccessRequest) -> bool:
    """A request opened from the registration interests, whose application's own form the
    requester has not filled in yet."""
    return (
        access_request.is_open
        and access_request.source == AccessRequest.Source.REGISTRATION
        and not access_request.answers
        and access_request.application.request_fields.exists()
    )


def complete(user, access_request: AccessRequest, answers: list[dict], *, request=None):
    """The requester fills in the application's form of a request opened at registration
    (answers already validated by AccessRequestForm); the referents see them."""
    return _requester_update(
        user,
        access_request,
        {
            "status__in": AccessRequest.OPEN_STATUSES,
            "source": AccessRequest.Source.REGISTRATION,
            "answers": [],
        },
        {"answers": answers},
        ValidationError(
            _("Le formulaire de cette demande est déjà rempli."), code="already_completed"
        ),
        {"completed": True},
        request,
    )


def reply(user, access_request: AccessRequest, text: str, *, request=None) -> AccessRequest:
    """The requester answers a referent's question: the request goes back to the queue."""
    return _requester_update(
        user,
        access_request,
        {"status": AccessRequest.Status.INFO_REQUESTED},
        {"status": AccessRequest.Status.PENDING, "reply": text},
        ValidationError(
            _("Aucun complément n'est attendu sur cette demande."), code="no_info_requested"
        ),
        {"reply": True},
        request,
    )


def _requester_update(user, access_request, only_if: dict, values: dict, refused, context, request):
    """The requester changes their own request, if it is still in the state `only_if` says
    (one conditional UPDATE, so two tabs cannot both pass); audited, referents mailed."""
    if access_request.user_id != user.pk:
        raise ValidationError(_("Cette demande n'est pas la vôtre."), code="not_owner")
    with transaction.atomic():
        if not AccessRequest.objects.filter(pk=access_request.pk, **only_if).update(**values):
            raise refused
        access_request.refresh_from_db()
        record(
            AuditAction.ACCESS_REQUESTED,
            request=request,
            actor=user,
            target=access_request,
            context={"application": access_request.application.slug, **context},
        )
        mail_referents(access_request)
    return access_request
