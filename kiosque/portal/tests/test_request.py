"""A user asks for access: the form, the thanks page, the status, the e-mails."""

import pytest

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.portal.models import AccessRequest
from kiosque.portal.tests.conftest import DCC_ANSWERS, body, subjects

pytestmark = pytest.mark.django_db


def test_home_lists_the_request_tiles(client, dcc, make_user):
    from kiosque.portal import demo

    demo.load_catalogue()
    client.force_login(make_user())
    html = client.get("/applications/").content.decode()
    assert "Demandes d'accès" in html
    for name in ("DCC Inscription", "Sphere Inscription", "ROR Inscription", "Madis Inscription"):
        assert name in html
    assert 'href="/applications/dcc/demande/"' in html


def test_home_requires_login(client, db):
    response = client.get("/applications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/applications/")


def test_login_redirect_goes_to_the_portal(settings):
    assert settings.LOGIN_REDIRECT_URL == "/applications/"


def test_request_then_thanks_page(
    client, dcc, make_user, dcc_referent, smtp_server, deliver_outbox
):
    user = make_user(email="n.dupont@chu-tours.fr")
    client.force_login(user)
    response = client.post("/applications/dcc/demande/", DCC_ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == "/applications/dcc/demande/merci/"
    html = client.get(response["Location"]).content.decode()
    assert "MERCI !" in html
    assert (
        "Nous avons bien réceptionné votre demande, nos équipes reviendront vers vous "
        "prochainement." in html
    )
    assert "Retour au formulaire" in html

    access_request = AccessRequest.objects.get(user=user)
    assert access_request.status == AccessRequest.Status.PENDING
    assert access_request.answers[1]["value"] == "Salarié"
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_REQUESTED, target_id=str(access_request.pk)
    ).exists()

    assert deliver_outbox() == 2
    by_recipient = {tuple(m.envelope_to): m for m in smtp_server.messages}
    to_user = by_recipient[("n.dupont@chu-tours.fr",)]
    assert to_user["Subject"] == (
        "[Kiosque] Votre demande d'accès à l'application DCC est enregistrée"
    )
    to_referent = by_recipient[(dcc_referent.email,)]
    assert "Nouvelle demande d'accès à l'application DCC" in to_referent["Subject"]
    assert f"/applications/referent/demandes/{access_request.pk}/" in body(to_referent)


def test_pending_status_is_shown_instead_of_the_form(client, dcc, make_user, submit_dcc):
    user = make_user()
    submit_dcc(user)
    client.force_login(user)
    html = client.get("/applications/dcc/demande/").content.decode()
    assert "En attente" in html
    assert "DEMANDER MON INSCRIPTION" not in html
    home = client.get("/applications/").content.decode()
    assert "portal-status--pending" in home


def test_missing_fields_keep_what_was_typed(client, dcc, make_user):
    client.force_login(make_user())
    response = client.post(
        "/applications/dcc/demande/", {"telephone-professionnel": "02 38 00 00 00"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in html
    assert 'value="02 38 00 00 00"' in html
    assert not AccessRequest.objects.exists()


def test_a_phone_question_refuses_what_is_not_a_phone_number(client, dcc, make_user):
    client.force_login(make_user())
    response = client.post(
        "/applications/dcc/demande/", {**DCC_ANSWERS, "telephone-professionnel": "abc"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_telephone-professionnel_error"' in html
    assert "Saisissez un numéro de téléphone, par exemple 06 75 03 05 22." in html
    assert 'value="abc"' in html
    assert not AccessRequest.objects.exists()


def test_a_valid_phone_answer_is_kept_as_typed(client, dcc, make_user):
    user = make_user()
    client.force_login(user)
    answers = {**DCC_ANSWERS, "telephone-professionnel": "02 47 00 00 01"}
    assert client.post("/applications/dcc/demande/", answers).status_code == 302
    assert AccessRequest.objects.get(user=user).answers[0]["value"] == "02 47 00 00 01"


def test_answering_no_sends_nothing(client, dcc, make_user):
    client.force_login(make_user())
    response = client.post("/applications/dcc/demande/", {**DCC_ANSWERS, "confirmation": "non"})
    assert "répondez « Oui »" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_each_status_is_visible_to_the_user(
    client, dcc, make_user, dcc_referent, submit_dcc, smtp_server, deliver_outbox
):
    from kiosque.portal.flows import decide

    user = make_user()
    client.force_login(user)
    access_request = submit_dcc(user)
    decide.ask_for_more(dcc_referent, access_request, "Précisez votre RCP de rattachement.")
    html = client.get("/applications/").content.decode()
    assert "Complément demandé" in html
    assert "Précisez votre RCP de rattachement." in html
    page = client.get("/applications/dcc/demande/").content.decode()
    assert "Le référent demande un complément" in page

    response = client.post("/applications/dcc/demande/complement/", {"reply": "RCP Sein Tours"})
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.PENDING
    assert access_request.reply == "RCP Sein Tours"

    decide.refuse(dcc_referent, access_request, "Vous n'exercez pas en cancérologie.")
    html = client.get("/applications/").content.decode()
    assert "Refusée" in html
    assert "Vous n&#x27;exercez pas en cancérologie." in html
    page = client.get("/applications/dcc/demande/").content.decode()
    assert "Votre précédente demande a été refusée" in page
    assert "DEMANDER MON INSCRIPTION" in page  # a new request may be made

    deliver_outbox()
    expected = "[Kiosque] Complément demandé pour votre accès à l'application DCC"
    assert expected in subjects(smtp_server)
    refused = next(m for m in smtp_server.messages if "refusée" in str(m["Subject"]))
    assert "Motif : Vous n'exercez pas en cancérologie." in body(refused)


def test_a_granted_access_shows_as_a_tile(client, dcc, make_user, dcc_referent, submit_dcc):
    from kiosque.portal.flows import decide

    user = make_user()
    access_request = submit_dcc(user)
    decide.grant(dcc_referent, access_request, [], confirm_communities=True)
    client.force_login(user)
    html = client.get("/applications/").content.decode()
    assert 'href="/applications/dcc/ouvrir/"' in html
    assert "DCC Inscription" not in html
    response = client.get("/applications/dcc/ouvrir/")
    assert response.status_code == 302
    assert response["Location"].startswith(dcc.initiate_login_uri + "?")


def test_reply_without_info_request_is_404(client, dcc, make_user):
    client.force_login(make_user())
    assert client.post("/applications/dcc/demande/complement/", {"reply": "x"}).status_code == 404
