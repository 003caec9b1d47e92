"""The user's own order and favourites on "Vos applications"."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kiosque.portal.models import Application, TilePreference
from kiosque.portal.services.access import applications_for

UP, DOWN = "up", "down"


def _visible(user, application: Application) -> list[Application]:
    applications = applications_for(user)
    if application not in applications:
        raise ValidationError(
            _("Cette application ne fait pas partie de vos applications."), code="not_visible"
        )
    return applications


def _save_order(user, applications: list[Application]) -> None:
    for position, application in enumerate(applications):
        TilePreference.objects.update_or_create(
            user=user,
            application=application,
            defaults={"position": position, "is_favourite": application.is_favourite},
        )


def move(user, application: Application, direction: str) -> None:
    """Swap the tile with its neighbour in the same group (favourites, or the others)."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Direction inconnue."), code="bad_direction")
    with transaction.atomic():
        applications = _visible(user, application)
        index = applications.index(application)
        neighbour = index - 1 if direction == UP else index + 1
        if not 0 <= neighbour < len(applications):
            return
        if applications[neighbour].is_favourite != applications[index].is_favourite:
            return
        applications[index], applications[neighbour] = applications[neighbour], applications[index]
        _save_order(user, applications)


def toggle_favourite(user, application: Application) -> bool:
    """Star or unstar a tile; returns the new state."""
    with transaction.atomic():
        applications = _visible(user, application)
        target = applications[applications.index(application)]
        target.is_favourite = not target.is_favourite
        _save_order(user, applications)
    return target.is_favourite
