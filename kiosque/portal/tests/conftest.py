"""Factories for the portal's tests."""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from kiosque.accounts import roles
from kiosque.accounts.models import User
from kiosque.portal.models import AccessGrant, Application, ApplicationRole, Community

_counter = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(username=None, **fields):
        number = next(_counter)
        username = username or f"user{number}"
        fields.setdefault("email", f"{username}@exemple.fr")
        fields.setdefault("first_name", "Nathalie")
        fields.setdefault("last_name", f"Dupont{number}")
        return User.objects.create_user(username=username, password=None, **fields)

    return make


@pytest.fixture
def make_application(db):
    def make(slug=None, requires_request=True, **fields):
        slug = slug or f"app{next(_counter)}"
        fields.setdefault("name", slug.upper())
        fields.setdefault("launch_url", f"https://{slug}.example.org/")
        return Application.objects.create(slug=slug, requires_request=requires_request, **fields)

    return make


@pytest.fixture
def make_referent(make_user):
    def make(*applications, username=None):
        user = make_user(username=username)
        group, _ = Group.objects.get_or_create(name=roles.APPLICATION_REFERENTS)
        user.groups.add(group)
        for application in applications:
            application.referents.add(user)
        return user

    return make


@pytest.fixture
def grant(db):
    def make(user, application, *role_codes):
        access = AccessGrant.objects.create(
            user=user, application=application, granted_at=timezone.now()
        )
        access.roles.set(
            ApplicationRole.objects.filter(application=application, code__in=role_codes)
        )
        return access

    return make


@pytest.fixture
def dcc(db):
    """The DCC as the demo loads it: fields, roles, required community."""
    from kiosque.portal import demo

    demo.load_catalogue()
    return Application.objects.get(slug="dcc")


@pytest.fixture
def oncocentre_member(make_user, dcc):
    """A user already member of OncoCentre (required for the DCC)."""
    from kiosque.portal.models import CommunityMembership

    def make(**fields):
        user = make_user(**fields)
        CommunityMembership.objects.create(
            user=user,
            community=Community.objects.get(slug="oncocentre"),
            status=CommunityMembership.Status.MEMBER,
        )
        return user

    return make


@pytest.fixture
def dcc_referent(make_referent, dcc):
    return make_referent(dcc, username="referent.dcc")


DCC_ANSWERS = {
    "telephone-professionnel": "02 47 00 00 00",
    "statut": "Salarié",
    "confirmation": "oui",
}


@pytest.fixture
def dcc_answers():
    return dict(DCC_ANSWERS)


@pytest.fixture
def submit_dcc(dcc):
    """Submit a valid DCC request through the flow (as the form would)."""
    from kiosque.portal.flows import request_access
    from kiosque.portal.forms import AccessRequestForm

    def submit(user, **answers):
        form = AccessRequestForm(dcc, user, data={**DCC_ANSWERS, **answers})
        assert form.is_valid(), form.errors
        return request_access.submit(user, dcc, form.answers())

    return submit


def subjects(smtp_server):
    return [str(message["Subject"]) for message in smtp_server.messages]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
