"""Referents review: grant with roles, refuse, ask for more; the queue and its counts."""

import pytest
from django.core.exceptions import ValidationError

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.portal.flows import decide
from kiosque.portal.models import AccessRequest, CommunityMembership
from kiosque.portal.services.access import granted_roles, has_access
from kiosque.portal.tests.conftest import body

pytestmark = pytest.mark.django_db


def test_referent_grants_with_roles_through_the_page(
    client, dcc, dcc_referent, oncocentre_member, submit_dcc, smtp_server, deliver_outbox
):
    user = oncocentre_member(email="n.dupont@chu-tours.fr")
    access_request = submit_dcc(user)
    deliver_outbox()
    smtp_server.clear()
    role_ids = list(
        dcc.roles.filter(code__in=["participant-rcp", "inscription-rcp-sein-tours"]).values_list(
            "pk", flat=True
        )
    )
    client.force_login(dcc_referent)
    page = client.get(f"/applications/referent/demandes/{access_request.pk}/").content.decode()
    assert "02 47 00 00 00" in page and "Salarié" in page
    assert "Inscription de patients en RCP — RCP Sein Tours" in page
    response = client.post(
        f"/applications/referent/demandes/{access_request.pk}/accorder/", {"roles": role_ids}
    )
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.GRANTED
    assert access_request.decided_by == dcc_referent
    assert has_access(user, dcc)
    assert granted_roles(user, dcc) == ["participant-rcp", "inscription-rcp-sein-tours"]
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_GRANTED)
    assert event.actor == dcc_referent
    assert event.context["roles"] == ["participant-rcp", "inscription-rcp-sein-tours"]

    assert deliver_outbox() == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[Kiosque] Votre accès à l'application DCC est accordé"
    assert message.envelope_to == ["n.dupont@chu-tours.fr"]
    text = body(message)
    assert "- Participant aux RCP" in text
    assert "http://127.0.0.1:8000/applications/dcc/ouvrir/" in text


def test_required_community_blocks_the_grant_until_confirmed(
    dcc, dcc_referent, make_user, submit_dcc
):
    user = make_user()
    access_request = submit_dcc(user)
    with pytest.raises(ValidationError) as error:
        decide.grant(dcc_referent, access_request, [])
    assert "membre de : OncoCentre" in error.value.messages[0]
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.PENDING
    assert not has_access(user, dcc)

    decide.grant(dcc_referent, access_request, [], confirm_communities=True)
    assert CommunityMembership.objects.get(user=user).status == "member"
    assert has_access(user, dcc)


def test_grant_page_shows_the_community_error_in_french(
    client, dcc, dcc_referent, make_user, submit_dcc
):
    access_request = submit_dcc(make_user())
    client.force_login(dcc_referent)
    response = client.post(f"/applications/referent/demandes/{access_request.pk}/accorder/", {})
    assert response.status_code == 400
    assert "Le demandeur doit d&#x27;abord être membre de : OncoCentre" in response.content.decode()


def test_refuse_needs_a_reason_and_emails_it(
    client, dcc, dcc_referent, make_user, submit_dcc, smtp_server, deliver_outbox
):
    user = make_user()
    access_request = submit_dcc(user)
    client.force_login(dcc_referent)
    url = f"/applications/referent/demandes/{access_request.pk}/refuser/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.PENDING

    client.post(url, {"reason": "Activité hors cancérologie."})
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.REFUSED
    assert access_request.message == "Activité hors cancérologie."
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED).count() == 1
    deliver_outbox()
    refused = [m for m in smtp_server.messages if m.envelope_to == [user.email]][-1]
    assert refused["Subject"] == "[Kiosque] Votre demande d'accès à l'application DCC est refusée"
    assert "Motif : Activité hors cancérologie." in body(refused)


def test_ask_for_more_then_reply_then_grant(
    dcc, dcc_referent, oncocentre_member, submit_dcc, smtp_server, deliver_outbox
):
    from kiosque.portal.flows import request_access

    user = oncocentre_member()
    access_request = submit_dcc(user)
    decide.ask_for_more(dcc_referent, access_request, "Quelle RCP ?")
    assert access_request.status == AccessRequest.Status.INFO_REQUESTED
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_INFO_REQUESTED)
    assert event.actor == dcc_referent and event.target_id == str(access_request.pk)
    deliver_outbox()
    info = [m for m in smtp_server.messages if m.envelope_to == [user.email]][-1]
    assert info["Subject"] == "[Kiosque] Complément demandé pour votre accès à l'application DCC"
    assert "Quelle RCP ?" in body(info)
    assert "/applications/dcc/demande/" in body(info)

    request_access.reply(user, access_request, "RCP Digestif Orléans")
    decide.grant(dcc_referent, access_request, dcc.roles.filter(code="participant-rcp"))
    assert granted_roles(user, dcc) == ["participant-rcp"]


def test_locked_or_deactivated_requester_cannot_be_granted(
    dcc, dcc_referent, oncocentre_member, submit_dcc
):
    locked, inactive = oncocentre_member(), oncocentre_member()
    locked_request, inactive_request = submit_dcc(locked), submit_dcc(inactive)
    locked.is_locked = True
    locked.save()
    inactive.is_active = False
    inactive.save()
    for access_request in (locked_request, inactive_request):
        access_request.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            decide.grant(dcc_referent, access_request, [])
        assert "verrouillé ou désactivé" in error.value.messages[0]
        access_request.refresh_from_db()
        assert access_request.status == AccessRequest.Status.PENDING
    assert not has_access(locked, dcc) and not has_access(inactive, dcc)


def test_regrant_after_refusal_reuses_the_grant_row(
    dcc, dcc_referent, oncocentre_member, submit_dcc
):
    from kiosque.portal.flows.revoke import revoke

    user = oncocentre_member()
    first = decide.grant(dcc_referent, submit_dcc(user), [])
    revoke(dcc_referent, first)
    second = decide.grant(dcc_referent, submit_dcc(user), [])
    assert first.pk == second.pk
    assert has_access(user, dcc)


def test_queue_filters_and_counts(client, dcc, make_application, make_referent, make_user):
    sphere = make_application("sphere-test", name="Sphere")
    referent = make_referent(dcc, sphere)
    pending_dcc = AccessRequest.objects.create(user=make_user(last_name="Alpha"), application=dcc)
    AccessRequest.objects.create(user=make_user(last_name="Bravo"), application=sphere)
    AccessRequest.objects.create(
        user=make_user(last_name="Charlie"), application=dcc, status="refused"
    )
    client.force_login(referent)
    html = client.get("/applications/referent/").content.decode()
    assert "ALPHA" in html and "BRAVO" in html and "CHARLIE" not in html
    assert "En attente : <strong>2</strong>" in html
    assert "Refusée : <strong>1</strong>" in html
    html = client.get("/applications/referent/?status=pending&application=dcc").content.decode()
    assert "ALPHA" in html and "BRAVO" not in html
    assert "En attente : <strong>1</strong>" in html
    html = client.get("/applications/referent/?status=&application=dcc").content.decode()
    assert "ALPHA" in html and "CHARLIE" in html and "BRAVO" not in html
    assert f"/applications/referent/demandes/{pending_dcc.pk}/" in html
