"""Interests chosen at registration become access requests once the account is validated."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kiosque.portal.flows import request_access
from kiosque.portal.models import AccessRequest, Application, Community, CommunityMembership


def interests_to_requests(
    user, application_slugs, community_slugs, *, request=None
) -> list[AccessRequest]:
    """Record community interest and open one pending request per chosen application.

    Idempotent: applications the user already has, or already asked for, are skipped, as are
    unknown slugs. Call it after the account is validated (the user must be active).
    """
    created = []
    with transaction.atomic():
        for community in Community.objects.filter(slug__in=list(community_slugs or [])):
            CommunityMembership.objects.get_or_create(user=user, community=community)
        applications = Application.objects.filter(
            slug__in=list(application_slugs or []), is_active=True, requires_request=True
        )
        for application in applications:
            try:
                created.append(
                    request_access.submit(
                        user,
                        application,
                        answers=[],
                        request=request,
                        source=AccessRequest.Source.REGISTRATION,
                        notify_user=False,
                    )
                )
            except ValidationError:
                continue
    return created
