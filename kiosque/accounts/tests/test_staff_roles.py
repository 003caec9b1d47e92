"""The demo staff can use the back-office (Django admin): the reviewer reads the audit log
and the accounts, the referent edits their own application; nobody gains more."""

import io

import pytest
from django.contrib.auth.models import Group

from kiosque.accounts import demo, roles
from kiosque.accounts.flows.staff_roles import ensure_role_groups
from kiosque.accounts.models import User
from kiosque.portal import demo as portal_demo
from kiosque.portal.models import AccessRequest, Application

pytestmark = pytest.mark.django_db
ADMIN = "/gestion/admin/"
NO_PERMISSION = "Vous n’avez pas la permission"


def _staff(role, username):
    user = User.objects.create_user(username, password=None, is_staff=True)
    user.groups.add(ensure_role_groups()[role])
    return user


@pytest.fixture
def reviewer(client):
    client.force_login(_staff(roles.ACCOUNT_MANAGERS, "gestionnaire"))
    return client


@pytest.fixture
def referent(client):
    portal_demo.load_catalogue()
    user = _staff(roles.APPLICATION_REFERENTS, "referent.dcc")
    Application.objects.get(slug="dcc").referents.add(user)
    client.force_login(user)
    return client


def test_the_demo_gives_the_roles_their_permissions():
    demo.load(io.StringIO())
    reviewer = User.objects.get(username="gestionnaire")
    assert reviewer.has_perms(["audit.view_auditevent", "accounts.view_user"])
    assert not reviewer.has_perm("accounts.change_user")
    referent = User.objects.get(username="referent.dcc")
    assert referent.has_perms(["portal.change_application", "portal.add_applicationrole"])
    assert not referent.has_perm("portal.add_application")


def test_the_reviewer_reads_the_audit_log_and_the_accounts(reviewer):
    index = reviewer.get(ADMIN).content.decode()
    assert NO_PERMISSION not in index
    assert f'href="{ADMIN}audit/auditevent/"' in index
    assert f'href="{ADMIN}accounts/user/"' in index
    assert reviewer.get(f"{ADMIN}audit/auditevent/").status_code == 200
    assert reviewer.get(f"{ADMIN}accounts/user/").status_code == 200


def test_the_reviewer_cannot_edit_accounts_in_the_admin(reviewer):
    target = User.objects.create_user("ndupont", password=None)
    response = reviewer.post(f"{ADMIN}accounts/user/{target.pk}/change/", {"is_superuser": "on"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert not target.is_superuser


def test_the_referent_edits_their_own_application_only(referent):
    index = referent.get(ADMIN).content.decode()
    assert NO_PERMISSION not in index
    listing = referent.get(f"{ADMIN}portal/application/").content.decode()
    dcc, ror = Application.objects.get(slug="dcc"), Application.objects.get(slug="ror")
    assert f"/portal/application/{dcc.pk}/change/" in listing
    assert f"/portal/application/{ror.pk}/change/" not in listing
    form = referent.get(f"{ADMIN}portal/application/{dcc.pk}/change/").content.decode()
    assert 'name="launch_url"' in form and 'name="initiate_login_uri"' in form
    assert 'name="is_active"' not in form and 'name="referents"' not in form  # read-only
    other = referent.get(f"{ADMIN}portal/application/{ror.pk}/change/")
    assert other.status_code == 302  # "does not exist" for them
    assert referent.get(f"{ADMIN}portal/application/add/").status_code == 403


def test_the_referent_sees_the_requests_of_their_application_only(referent):
    someone = User.objects.create_user("pro1", password=None)
    mine = AccessRequest.objects.create(
        user=someone, application=Application.objects.get(slug="dcc")
    )
    other = AccessRequest.objects.create(
        user=someone, application=Application.objects.get(slug="ror")
    )
    listing = referent.get(f"{ADMIN}portal/accessrequest/").content.decode()
    assert f"/portal/accessrequest/{mine.pk}/change/" in listing
    assert f"/portal/accessrequest/{other.pk}/change/" not in listing


def test_a_staff_member_without_a_role_still_has_nothing(client):
    client.force_login(User.objects.create_user("stagiaire", password=None, is_staff=True))
    assert NO_PERMISSION in client.get(ADMIN).content.decode()


def test_permissions_given_by_an_administrator_are_kept():
    group, _ = Group.objects.get_or_create(name=roles.ACCOUNT_MANAGERS)
    from django.contrib.auth.models import Permission

    extra = Permission.objects.get(codename="view_outboxmessage")
    group.permissions.add(extra)
    ensure_role_groups()
    assert group.permissions.filter(pk=extra.pk).exists()
