"""A referent grants, refuses, asks for more, or changes the roles of a granted access.

Decisions are conditional UPDATEs on the request's status: when two referents act on the same
request at once, exactly one wins and the other gets a French message.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiosque.audit.services import AuditAction, record
from kiosque.portal.flows._common import mail_user
from kiosque.portal.models import (
    AccessGrant,
    AccessRequest,
    Application,
    ApplicationRole,
    CommunityMembership,
)
from kiosque.portal.services.access import account_is_usable
from kiosque.portal.services.referents import ensure_referent


def _already_decided() -> ValidationError:
    return ValidationError(
        _("Cette demande a déjà été traitée : rechargez la page pour voir son état."),
        code="already_decided",
    )


def _check_roles(application: Application, roles) -> list[ApplicationRole]:
    roles = list(roles)
    if any(role.application_id != application.pk for role in roles):
        raise ValidationError(
            _("Un des rôles choisis n'est pas défini pour l'application %(name)s."),
            code="foreign_role",
            params={"name": application.name},
        )
    return roles


def _check_requester(referent, access_request: AccessRequest) -> None:
    if access_request.user_id == referent.pk:
        raise ValidationError(
            _("Vous ne pouvez pas traiter votre propre demande."), code="own_request"
        )


def missing_communities(user, application: Application):
    """The communities the application requires and `user` is not yet a member of."""
    members_of = CommunityMembership.objects.filter(
        user=user, status=CommunityMembership.Status.MEMBER
    ).values("community_id")
    return list(application.required_communities.exclude(pk__in=members_of))


def _confirm_memberships(user, communities) -> None:
    for community in communities:
        CommunityMembership.objects.update_or_create(
            user=user,
            community=community,
            defaults={"status": CommunityMembership.Status.MEMBER},
        )


def _close(access_request: AccessRequest, referent, status: str, message: str = "") -> None:
    """Move an open request to `status`, or raise if someone else already did."""
    updated = AccessRequest.objects.filter(
        pk=access_request.pk, status__in=AccessRequest.OPEN_STATUSES
    ).update(status=status, decided_by=referent, decided_at=timezone.now(), message=message)
    if not updated:
        raise _already_decided()
    access_request.refresh_from_db()


def _role_labels(roles) -> list[str]:
    return [role.label for role in roles]


def grant(
    referent, access_request: AccessRequest, roles, *, confirm_communities=False, request=None
) -> AccessGrant:
    application = access_request.application
    ensure_referent(referent, application)
    _check_requester(referent, access_request)
    roles = _check_roles(application, roles)
    user = access_request.user
    if not account_is_usable(user):
        raise ValidationError(
            _(
                "Le compte du demandeur est verrouillé ou désactivé : l'accès ne peut pas être "
                "accordé."
            ),
            code="account_unusable",
        )
    missing = missing_communities(user, application)
    if missing and not confirm_communities:
        raise ValidationError(
            _(
                "Le demandeur doit d'abord être membre de : %(names)s. Confirmez son "
                "appartenance ou refusez la demande."
            ),
            code="community_required",
            params={"names": ", ".join(community.name for community in missing)},
        )
    with transaction.atomic():
        _close(access_request, referent, AccessRequest.Status.GRANTED)
        _confirm_memberships(user, missing)
        access, _created = AccessGrant.objects.update_or_create(
            user=user,
            application=application,
            defaults={
                "request": access_request,
                "granted_by": referent,
                "granted_at": timezone.now(),
                "revoked_at": None,
                "revoked_by": None,
                "revoke_reason": "",
            },
        )
        access.roles.set(roles)
        record(
            AuditAction.ACCESS_GRANTED,
            request=request,
            actor=referent,
            target=access_request,
            context={
                "application": application.slug,
                "user_id": user.pk,
                "roles": [role.code for role in roles],
                "communities_confirmed": [community.slug for community in missing],
            },
        )
        mail_user(
            "request_granted",
            user,
            application,
            roles=_role_labels(roles),
            open_path=f"/applications/{application.slug}/ouvrir/",
        )
    return access


def refuse(referent, access_request: AccessRequest, reason: str, *, request=None) -> None:
    application = access_request.application
    ensure_referent(referent, application)
    _check_requester(referent, access_request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif du refus."), code="reason_required")
    with transaction.atomic():
        _close(access_request, referent, AccessRequest.Status.REFUSED, reason)
        record(
            AuditAction.ACCESS_REFUSED,
            request=request,
            actor=referent,
            target=access_request,
            context={"application": application.slug, "user_id": access_request.user_id},
        )
        mail_user("request_refused", access_request.user, application, reason=reason)


def ask_for_more(referent, access_request: AccessRequest, message: str, *, request=None) -> None:
    application = access_request.application
    ensure_referent(referent, application)
    _check_requester(referent, access_request)
    message = (message or "").strip()
    if not message:
        raise ValidationError(_("Indiquez le complément attendu."), code="message_required")
    with transaction.atomic():
        updated = AccessRequest.objects.filter(
            pk=access_request.pk, status=AccessRequest.Status.PENDING
        ).update(status=AccessRequest.Status.INFO_REQUESTED, message=message)
        if not updated:
            raise _already_decided()
        access_request.refresh_from_db()
        record(
            AuditAction.ACCESS_INFO_REQUESTED,
            request=request,
            actor=referent,
            target=access_request,
            context={"application": application.slug, "user_id": access_request.user_id},
        )
        mail_user(
            "info_requested",
            access_request.user,
            application,
            message=message,
            request_path=f"/applications/{application.slug}/demande/",
        )


def change_roles(referent, access: AccessGrant, roles, *, request=None) -> AccessGrant:
    application = access.application
    ensure_referent(referent, application)
    roles = _check_roles(application, roles)
    with transaction.atomic():
        # Lock the grant so a concurrent revoke or change is serialised with this one.
        access = AccessGrant.objects.select_for_update().get(pk=access.pk)
        if not access.is_active:
            raise ValidationError(
                _("Cet accès a été révoqué : ses rôles ne peuvent plus être modifiés."),
                code="revoked",
            )
        before = sorted(access.roles.values_list("code", flat=True))
        after = sorted(role.code for role in roles)
        if before == after:
            return access
        access.roles.set(roles)
        record(
            AuditAction.ROLES_CHANGED,
            request=request,
            actor=referent,
            target=access,
            context={
                "application": application.slug,
                "user_id": access.user_id,
                "before": before,
                "after": after,
            },
        )
        mail_user("roles_changed", access.user, application, roles=_role_labels(roles))
    return access
