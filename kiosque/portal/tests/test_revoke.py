"""Changing roles and revoking: e-mailed, audited, effective at the next has_access call."""

import pytest
from django.core.exceptions import ValidationError

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.portal.flows import decide
from kiosque.portal.flows.revoke import revoke
from kiosque.portal.services.access import applications_for, granted_roles, has_access
from kiosque.portal.tests.conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(dcc, dcc_referent, oncocentre_member, submit_dcc):
    user = oncocentre_member()
    access = decide.grant(dcc_referent, submit_dcc(user), dcc.roles.filter(code="participant-rcp"))
    return user, access


def test_change_roles_through_the_page(
    client, dcc, dcc_referent, granted, smtp_server, deliver_outbox
):
    user, access = granted
    deliver_outbox()
    smtp_server.clear()
    client.force_login(dcc_referent)
    secretariat = dcc.roles.get(code="secretariat-3c")
    response = client.post(
        f"/applications/referent/acces/{access.pk}/roles/", {"roles": [secretariat.pk]}
    )
    assert response.status_code == 302
    assert granted_roles(user, dcc) == ["secretariat-3c"]
    event = AuditEvent.objects.get(action=AuditAction.ROLES_CHANGED)
    assert event.context["before"] == ["participant-rcp"]
    assert event.context["after"] == ["secretariat-3c"]
    assert deliver_outbox() == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[Kiosque] Vos rôles dans l'application DCC ont changé"
    assert "- Secrétariat 3C" in body(message)


def test_revoke_through_the_page(client, dcc, dcc_referent, granted, smtp_server, deliver_outbox):
    user, access = granted
    deliver_outbox()
    smtp_server.clear()
    assert has_access(user, dcc)
    client.force_login(dcc_referent)
    response = client.post(
        f"/applications/referent/acces/{access.pk}/revoquer/", {"reason": "Départ du service."}
    )
    assert response.status_code == 302
    assert not has_access(user, dcc)
    assert granted_roles(user, dcc) == []
    assert dcc not in applications_for(user)
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REVOKED).count() == 1
    assert deliver_outbox() == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[Kiosque] Votre accès à l'application DCC est retiré"
    assert "Motif : Départ du service." in body(message)

    client.force_login(user)
    assert client.get("/applications/dcc/ouvrir/").status_code == 404
    assert "DCC Inscription" in client.get("/applications/").content.decode()


def test_revoke_twice_is_refused(dcc_referent, granted):
    _user, access = granted
    revoke(dcc_referent, access)
    with pytest.raises(ValidationError) as error:
        revoke(dcc_referent, access)
    assert error.value.messages == ["Cet accès est déjà révoqué."]
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REVOKED).count() == 1


def test_roles_of_a_revoked_access_cannot_change(dcc, dcc_referent, granted):
    user, access = granted
    revoke(dcc_referent, access)
    with pytest.raises(ValidationError):
        decide.change_roles(dcc_referent, access, dcc.roles.all())
    assert granted_roles(user, dcc) == []


def test_grants_list_shows_only_active_by_default(client, dcc_referent, granted):
    user, access = granted
    client.force_login(dcc_referent)
    assert user.display_name() in client.get("/applications/referent/acces/").content.decode()
    revoke(dcc_referent, access)
    assert user.display_name() not in client.get("/applications/referent/acces/").content.decode()
    html = client.get("/applications/referent/acces/?revoked=1").content.decode()
    assert "révoqué le" in html
