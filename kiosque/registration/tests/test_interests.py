"""Step 5, "Précisez vos centres d'intérêt" (optional): the portal's applications and
communities, kept in the session, shown on the summary, stored with the request and turned into
pending access requests when the account is validated."""

import re

import pytest

from kiosque.audit.models import AuditEvent
from kiosque.backoffice.tests.factories import make_reviewer
from kiosque.portal import demo
from kiosque.portal.flows.interests import interests_to_requests
from kiosque.portal.models import AccessRequest, CommunityMembership
from kiosque.registration.flows.approve import approve
from kiosque.registration.models import RegistrationRequest
from kiosque.registration.tests.conftest import STEP_URLS, page_text

CHOSEN = {"applications": ["dcc", "ror"], "communities": ["oncocentre"]}


@pytest.fixture
def catalogue(db):
    demo.load_catalogue()


@pytest.fixture
def at_interests(wizard, catalogue):
    wizard.complete("conditions", "identity", "contacts", "establishment")
    return wizard


def test_establishment_step_leads_to_interests(wizard, catalogue):
    response = wizard.complete("conditions", "identity", "contacts", "establishment")
    assert response["Location"] == "/inscription/centres-interet/"


def test_step_offers_applications_and_communities(at_interests):
    response = at_interests.client.get(STEP_URLS["interests"])
    page = page_text(response)
    assert '<h2 id="step-title">Précisez vos centres d\'intérêt</h2>' in page
    assert "<legend>Applications</legend>" in page
    assert "<legend>Communauté</legend>" in page
    assert "DCC (Dossier Communicant de Cancérologie)" in page
    assert "OncoCentre" in page
    assert "Cochez au minimum OncoCentre et DCC" in page
    assert "étape 5 sur 6" in page
    assert 'value="previous" class="button" formnovalidate>Étape précédente</button>' in page


def test_step_indicator_lists_the_step_before_the_summary(at_interests):
    page = page_text(at_interests.client.get(STEP_URLS["interests"]))
    page = page[page.index('<ol class="steps">') :]
    titles = [
        "Informations établissement",
        "Précisez vos centres d'intérêt",
        "Récapitulatif",
    ]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert '<li aria-current="step">Précisez vos centres d\'intérêt</li>' in page


def test_step_is_optional(at_interests):
    response = at_interests.post("interests")
    assert response["Location"] == "/inscription/recapitulatif/"
    assert at_interests.client.get(STEP_URLS["summary"]).status_code == 200


def test_summary_needs_the_step_to_be_passed(at_interests):
    response = at_interests.client.get(STEP_URLS["summary"])
    assert response["Location"] == "/inscription/centres-interet/"


def test_choices_survive_a_reload(at_interests):
    at_interests.post("interests", **CHOSEN)
    form = at_interests.client.get(STEP_URLS["interests"]).context["form"]
    assert form.is_valid()
    assert set(form.application_slugs()) == {"dcc", "ror"}
    assert form.community_slugs() == ["oncocentre"]
    page = page_text(at_interests.client.get(STEP_URLS["interests"]))
    checked = re.findall(r'<input type="checkbox" name="\w+" value="([\w-]+)"[^>]* checked>', page)
    assert sorted(checked) == ["dcc", "oncocentre", "ror"]


def test_unknown_application_is_refused_next_to_the_field(at_interests):
    response = at_interests.post("interests", applications=["dcc", "inconnue"])
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.context["form"].errors["applications"][0]
    assert 'class="field-error"' in page_text(response)


def test_summary_shows_the_interests_with_a_modifier_link(at_interests):
    at_interests.post("interests", **CHOSEN)
    page = page_text(at_interests.client.get(STEP_URLS["summary"]))
    assert "Précisez vos centres d'intérêt</h3>" in page
    assert '<a href="/inscription/centres-interet/">Modifier' in page
    assert "DCC" in page and "ROR" in page
    assert "OncoCentre" in page


def test_summary_without_interests_says_not_filled_in(at_interests):
    at_interests.post("interests")
    page = page_text(at_interests.client.get(STEP_URLS["summary"]))
    assert "Précisez vos centres d'intérêt</h3>" in page
    assert "Non renseigné" in page


def test_interests_stored_with_the_request(at_interests, captcha_test_mode):
    at_interests.post("interests", **CHOSEN)
    assert at_interests.submit().status_code == 302
    request = RegistrationRequest.objects.get()
    assert sorted(request.interest_applications) == ["dcc", "ror"]
    assert request.interest_communities == ["oncocentre"]


def test_request_without_interests_stores_empty_lists(at_interests, captcha_test_mode):
    at_interests.post("interests")
    at_interests.submit()
    request = RegistrationRequest.objects.get()
    assert (request.interest_applications, request.interest_communities) == ([], [])


@pytest.fixture
def submitted(at_interests, captcha_test_mode):
    at_interests.post("interests", **CHOSEN)
    at_interests.submit()
    return RegistrationRequest.objects.get()


def test_validation_opens_one_pending_request_per_application(submitted):
    account = approve(submitted.pk, by=make_reviewer())
    requests = AccessRequest.objects.filter(user=account.user)
    assert sorted(r.application.slug for r in requests) == ["dcc", "ror"]
    assert {r.status for r in requests} == {AccessRequest.Status.PENDING}
    assert {r.source for r in requests} == {AccessRequest.Source.REGISTRATION}
    assert CommunityMembership.objects.filter(
        user=account.user, community__slug="oncocentre"
    ).exists()
    assert AuditEvent.objects.filter(action="access.requested").count() == 2


def test_interests_turn_into_requests_only_once(submitted):
    account = approve(submitted.pk, by=make_reviewer())
    again = interests_to_requests(
        account.user, submitted.interest_applications, submitted.interest_communities
    )
    assert again == []
    assert AccessRequest.objects.filter(user=account.user).count() == 2
    assert CommunityMembership.objects.filter(user=account.user).count() == 1


def test_validation_without_interests_opens_no_request(at_interests, captcha_test_mode):
    at_interests.post("interests")
    at_interests.submit()
    account = approve(RegistrationRequest.objects.get().pk, by=make_reviewer())
    assert not AccessRequest.objects.filter(user=account.user).exists()


def test_application_withdrawn_since_is_skipped(submitted):
    from kiosque.portal.models import Application

    Application.objects.filter(slug="ror").update(is_active=False)
    account = approve(submitted.pk, by=make_reviewer())
    assert [r.application.slug for r in AccessRequest.objects.filter(user=account.user)] == ["dcc"]


def test_reviewer_sees_the_interests(submitted, client):
    client.force_login(make_reviewer())
    page = page_text(client.get(f"/gestion/demandes/{submitted.pk}/"))
    assert "Applications souhaitées" in page
    assert "DCC" in page and "ROR" in page
    assert "OncoCentre" in page
