"""The contract the OIDC provider relies on: has_access, granted_roles, applications_for."""

from django.utils import timezone

from kiosque.portal.models import ApplicationRole, TilePreference
from kiosque.portal.services.access import applications_for, granted_roles, has_access


def test_no_grant_no_access(make_user, make_application):
    user, app = make_user(), make_application()
    assert has_access(user, app) is False
    assert granted_roles(user, app) == []
    assert applications_for(user) == []


def test_open_application_needs_no_request(make_user, make_application):
    user, app = make_user(), make_application(requires_request=False)
    assert has_access(user, app) is True
    assert applications_for(user) == [app]


def test_grant_gives_access_and_roles(make_user, make_application, grant):
    user, app = make_user(), make_application()
    ApplicationRole.objects.create(application=app, code="rcp", label="Participant aux RCP")
    ApplicationRole.objects.create(application=app, code="3c", label="Secrétariat 3C")
    grant(user, app, "rcp")
    assert has_access(user, app) is True
    assert granted_roles(user, app) == ["rcp"]
    assert applications_for(user) == [app]


def test_revoked_grant_gives_nothing(make_user, make_application, grant):
    user, app = make_user(), make_application()
    ApplicationRole.objects.create(application=app, code="rcp", label="Participant aux RCP")
    access = grant(user, app, "rcp")
    access.revoked_at = timezone.now()
    access.save()
    assert has_access(user, app) is False
    assert granted_roles(user, app) == []
    assert applications_for(user) == []


def test_inactive_user_has_nothing(make_user, make_application, grant):
    user = make_user(is_active=False)
    app, open_app = make_application(), make_application(requires_request=False)
    grant(user, app)
    assert has_access(user, app) is False
    assert has_access(user, open_app) is False
    assert applications_for(user) == []


def test_inactive_application_is_not_accessible(make_user, make_application, grant):
    user, app = make_user(), make_application(is_active=False)
    grant(user, app)
    assert has_access(user, app) is False
    assert applications_for(user) == []


def test_grant_for_one_user_does_not_leak(make_user, make_application, grant):
    alice, bob, app = make_user(), make_user(), make_application()
    grant(alice, app)
    assert has_access(bob, app) is False


def test_applications_in_user_order(make_user, make_application, grant):
    user = make_user()
    first = make_application(position=1)
    second = make_application(position=2)
    third = make_application(position=3, requires_request=False)
    grant(user, first)
    grant(user, second)
    assert applications_for(user) == [first, second, third]
    TilePreference.objects.create(user=user, application=third, position=0)
    TilePreference.objects.create(user=user, application=first, position=1)
    TilePreference.objects.create(user=user, application=second, position=2, is_favourite=True)
    assert applications_for(user) == [second, third, first]
