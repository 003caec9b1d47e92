"""The actors of the access-control tests: anonymous, user, referent, reviewer, and their
objects (a registration, an access request, a session, a TOTP device)."""

import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from kiosque.accounts import roles

PASSWORD = "Correct-Horse-42!"
_numbers = itertools.count(1)


def make_user(username=None, *, role=None, password=PASSWORD, **fields):
    number = next(_numbers)
    username = username or f"pro{number}"
    fields.setdefault("email", f"{username}@exemple.fr")
    fields.setdefault("first_name", "Nathalie")
    fields.setdefault("last_name", f"Dupont{number}")
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def signed_in(user, methods=("password", "mail_code"), **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(user)
    session = client.session
    session["_kiosque_amr"] = list(methods)
    session.save()
    return client


def member_of_oncocentre(user):
    from kiosque.portal.models import Community, CommunityMembership

    CommunityMembership.objects.create(
        user=user,
        community=Community.objects.get(slug="oncocentre"),
        status=CommunityMembership.Status.MEMBER,
    )


def submit_dcc_request(user, dcc):
    from kiosque.portal.flows import request_access
    from kiosque.portal.forms import AccessRequestForm
    from kiosque.portal.tests.conftest import DCC_ANSWERS

    form = AccessRequestForm(dcc, user, data=DCC_ANSWERS)
    assert form.is_valid(), form.errors
    return request_access.submit(user, dcc, form.answers())


@dataclass
class People:
    user: object
    other_user: object
    referent: object
    other_referent: object  # referent of another application
    reviewer: object
    registration: object
    access_request: object
    grant: object
    dcc: object

    @classmethod
    def create(cls, dcc):
        from django.utils import timezone

        from kiosque.backoffice.tests.factories import make_registration
        from kiosque.portal.models import AccessGrant, Application

        user, other = make_user(), make_user()
        member_of_oncocentre(user)
        member_of_oncocentre(other)
        referent = make_user(role=roles.APPLICATION_REFERENTS)
        dcc.referents.add(referent)
        other_referent = make_user(role=roles.APPLICATION_REFERENTS)
        other_app = Application.objects.exclude(pk=dcc.pk).first()
        other_app.referents.add(other_referent)
        reviewer = make_user(role=roles.ACCOUNT_MANAGERS)
        access_request = submit_dcc_request(user, dcc)
        grant = AccessGrant.objects.create(user=other, application=dcc, granted_at=timezone.now())
        return cls(
            user=user,
            other_user=other,
            referent=referent,
            other_referent=other_referent,
            reviewer=reviewer,
            registration=make_registration(),
            access_request=access_request,
            grant=grant,
            dcc=dcc,
        )

    def clients(self) -> dict[str, Client]:
        return {
            "anonymous": Client(),
            "user": signed_in(self.user),
            "referent_other_app": signed_in(self.other_referent),
            "referent": signed_in(self.referent),
            "reviewer": signed_in(self.reviewer),
        }
