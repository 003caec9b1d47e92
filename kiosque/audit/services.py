"""`record()`: the one way other apps write to the audit log."""

from kiosque.audit.masking import mask_secrets
from kiosque.audit.models import AuditAction, AuditEvent, AuditOutcome
from kiosque.core.proxy import client_ip

__all__ = ["AuditAction", "AuditOutcome", "record"]


def _actor_repr(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return f"{actor.get_username()} ({actor.pk})"


def record(
    action: AuditAction | str,
    *,
    request=None,
    actor=None,
    target=None,
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    context: dict | None = None,
    target_repr: str = "",
) -> AuditEvent:
    """Append one event. `actor` defaults to the request's signed-in user."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        action=str(action),
        outcome=str(outcome),
        actor=actor,
        actor_repr=_actor_repr(actor),
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        context=mask_secrets(context or {}),
    )
    if target is not None:
        event.target_type = target._meta.label_lower
        event.target_id = str(target.pk)
        event.target_repr = (target_repr or str(target))[:200]
    elif target_repr:
        event.target_repr = target_repr[:200]
    event.save()
    return event
