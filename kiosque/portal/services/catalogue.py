""" "Vos applications" for one user: their tiles, the applications they may ask for and the
follow-up of their requests, in three queries whatever the size of the catalogue (the
catalogue with the user's grants, their tile preferences, their requests).

`tiles_key` names everything the two tile sections of the page show, so the page caches their
rendering under it (`{% cache %}` in portal/home.html): a change of the catalogue, of a grant,
of a preference, of a request's status or of the session's level changes the key, never a
fragment already cached.
"""

from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from kiosque.mfa import levels
from kiosque.portal.flows import request_access
from kiosque.portal.models import AccessRequest, Application
from kiosque.portal.services.access import catalogue_for


@dataclass(frozen=True)
class Catalogue:
    applications: list[Application]  # the user's tiles, in their order
    requestable: list[Application]  # the others one may ask for, each with its latest request
    requests: list[AccessRequest]  # the latest request per application, newest first
    tiles_key: str


def latest_requests(user) -> dict[int, AccessRequest]:
    """The user's latest request per application id."""
    # Sorted here: a handful of rows, and an ORDER BY costs more to compile than to sort.
    requests = sorted(
        AccessRequest.objects.filter(user=user).order_by(), key=lambda r: (r.created_at, r.pk)
    )
    return {access_request.application_id: access_request for access_request in requests}


def for_user(user, session_level: str | None) -> Catalogue:
    mine, others = catalogue_for(user)
    for application in mine:
        # Opening it will ask for a stronger means first (step-up, kiosque.mfa.flows.step_up).
        application.needs_stronger_means = not levels.at_least(
            session_level, application.required_level
        )
    latest = latest_requests(user)
    by_id = {application.pk: application for application in [*mine, *others]}
    for access_request in latest.values():
        access_request.application = by_id[access_request.application_id]
    _read_request_fields(latest.values())
    requestable = [a for a in others if a.is_active and a.requires_request]
    for application in requestable:
        application.latest_request = latest.get(application.pk)
        application.awaits_form = bool(
            application.latest_request and request_access.awaits_form(application.latest_request)
        )
    return Catalogue(
        applications=mine,
        requestable=requestable,
        requests=sorted(latest.values(), key=lambda r: r.created_at, reverse=True),
        tiles_key=_tiles_key(mine, requestable),
    )


def _read_request_fields(requests) -> None:
    """awaits_form asks whether the application has form fields, for the open requests of
    the registration left without answers: one query for all of them (none, usually)."""
    applications = {
        r.application
        for r in requests
        if r.is_open and r.source == AccessRequest.Source.REGISTRATION and not r.answers
    }
    prefetch_related_objects(list(applications), "request_fields")


def _tiles_key(mine: list[Application], requestable: list[Application]) -> str:
    """Every value the tile sections render (the language apart, in the template's key)."""
    tiles = [(*_tile(a), a.is_favourite, a.needs_stronger_means) for a in mine]
    tiles.append("ask")
    for a in requestable:
        status = a.latest_request.status if a.latest_request else None
        tiles.append((*_tile(a), status, a.awaits_form))
    return repr(tiles)


def _tile(application: Application) -> tuple:
    # The image by its fields, not its address: the storages' addresses change only with a
    # deployment, which starts new processes (the fragments' cache is per process).
    return (application.slug, application.name, application.tile, application.tile_upload.name)
