"""Accounts as a reviewer sees them: search, and everything known of one account."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from kiosque.audit.models import AuditEvent
from kiosque.professionals.models import ProfessionalProfile

HISTORY_LIMIT = 50


def search_accounts(text: str, limit: int = 50):
    users = get_user_model()._default_manager.select_related("professional_profile__profession")
    words = (text or "").split()[:6]
    if not words:
        return users.order_by("-date_joined", "-id")[:limit]
    for word in words:
        users = users.filter(
            Q(username__icontains=word)
            | Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(email__icontains=word)
            | Q(professional_profile__rpps__startswith=word)
            | Q(professional_profile__adeli__startswith=word)
        )
    return users.order_by("last_name", "first_name", "id")[:limit]


def _rows(app_label: str, model_name: str, user, *, order: str, limit: int = HISTORY_LIMIT):
    """Rows of another app's model if that app is installed and ships the model."""
    if not apps.is_installed(f"kiosque.{app_label}"):
        return None
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return list(model.objects.filter(user=user).order_by(order)[:limit])


@dataclass
class AccountOverview:
    user: object
    profile: ProfessionalProfile | None
    establishments: list = field(default_factory=list)
    totp_devices: list | None = None
    passkeys: list | None = None
    sessions: list | None = None
    connections: list | None = None
    audit_events: list = field(default_factory=list)
    registration_ids: list = field(default_factory=list)


def overview(user) -> AccountOverview:
    profile = (
        ProfessionalProfile.objects.filter(user=user)
        .select_related("profession", "specialty", "title", "civility")
        .first()
    )
    audit_events = list(
        AuditEvent.objects.filter(
            Q(target_type=user._meta.label_lower, target_id=str(user.pk)) | Q(actor=user)
        ).order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )
    from kiosque.registration.models import RegistrationRequest

    return AccountOverview(
        user=user,
        profile=profile,
        establishments=list(profile.establishments.all()) if profile else [],
        totp_devices=_rows("mfa", "TOTPDevice", user, order="created_at"),
        passkeys=_rows("mfa", "Passkey", user, order="created_at"),
        sessions=_rows("accounts", "UserSession", user, order="-last_activity_at"),
        connections=_rows("accounts", "ConnectionAttempt", user, order="-created_at"),
        audit_events=audit_events,
        registration_ids=list(
            RegistrationRequest.objects.filter(account=user).values_list("pk", flat=True)
        ),
    )
