"""Interests chosen at registration turn into pending requests once the account exists."""

import pytest

from kiosque.portal import demo
from kiosque.portal.flows.interests import interests_to_requests
from kiosque.portal.forms import InterestsForm
from kiosque.portal.models import AccessRequest, CommunityMembership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue():
    demo.load_catalogue()


def test_form_offers_the_older_guides_choices():
    html = InterestsForm().as_div()
    for label in (
        "PAERPA",
        "E-Parcours",
        "DCC (Dossier Communicant de Cancérologie)",
        "Veille Sanitaire",
        "Téléexpertise",
        "Téléconsultation",
        "Omédit Observatoire",
        "OncoCentre",
        "GHT 28",
        "GHT 18",
        "C.R.I.M",
        "Sécurité systèmes d&#x27;information, protection des données",
        "Cochez au minimum OncoCentre et DCC",
    ):
        assert label in html, label
    assert str(InterestsForm.title) == "Précisez vos centres d'intérêt"


def test_form_is_optional_and_rejects_unknown_slugs():
    assert InterestsForm(data={}).is_valid()
    form = InterestsForm(data={"applications": ["dcc", "inconnue"]})
    assert not form.is_valid()
    assert "Sélectionnez un choix valide" in form.errors["applications"][0]


def test_chosen_interests_become_requests_and_memberships(make_user, smtp_server, deliver_outbox):
    user = make_user()
    form = InterestsForm(data={"applications": ["dcc", "ror"], "communities": ["oncocentre"]})
    assert form.is_valid()
    created = interests_to_requests(user, form.application_slugs(), form.community_slugs())
    assert {r.application.slug for r in created} == {"dcc", "ror"}
    assert all(r.status == "pending" and r.source == "registration" for r in created)
    membership = CommunityMembership.objects.get(user=user)
    assert membership.community.slug == "oncocentre"
    assert membership.status == CommunityMembership.Status.INTERESTED
    deliver_outbox()
    # The user already got the account e-mail: only the referents are told.
    assert all(m.envelope_to != [user.email] for m in smtp_server.messages)


def test_it_is_idempotent_and_skips_what_the_user_has(make_user, make_application, grant):
    user = make_user()
    open_app = make_application(requires_request=False)
    interests_to_requests(user, ["dcc"], ["oncocentre"])
    again = interests_to_requests(user, ["dcc", open_app.slug, "nope"], ["oncocentre", "nope"])
    assert again == []  # dcc already pending, open_app needs no request, nope unknown
    assert AccessRequest.objects.filter(user=user).count() == 1
    assert CommunityMembership.objects.filter(user=user).count() == 1
