"""Attacks and bad input the portal must resist: each refused in French, nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kiosque.portal.flows import decide, request_access
from kiosque.portal.models import AccessGrant, AccessRequest, ApplicationRole
from kiosque.portal.services.access import granted_roles, has_access
from kiosque.portal.tests.conftest import DCC_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_apps(dcc, make_application, make_referent, make_user):
    """The DCC with its referent, and another application with its own referent."""
    ror = make_application("ror-test", name="ROR")
    ApplicationRole.objects.create(application=ror, code="lecteur", label="Lecteur")
    return {
        "dcc": dcc,
        "ror": ror,
        "dcc_referent": make_referent(dcc),
        "ror_referent": make_referent(ror),
        "ror_request": AccessRequest.objects.create(user=make_user(), application=ror),
    }


def test_request_for_an_application_already_granted(client, dcc, make_user, grant):
    user = make_user()
    grant(user, dcc)
    with pytest.raises(ValidationError) as error:
        request_access.submit(user, dcc, [])
    assert error.value.messages == ["Vous avez déjà accès à l'application DCC."]
    client.force_login(user)
    response = client.post("/applications/dcc/demande/", DCC_ANSWERS)
    assert "Vous avez déjà accès à l'application DCC." in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_second_pending_request_is_refused(client, dcc, make_user, submit_dcc):
    user = make_user()
    submit_dcc(user)
    with pytest.raises(ValidationError) as error:
        submit_dcc(user)
    assert error.value.messages == ["Vous avez déjà une demande en cours pour l'application DCC."]
    client.force_login(user)
    client.post("/applications/dcc/demande/", DCC_ANSWERS)
    assert AccessRequest.objects.filter(user=user).count() == 1


def test_database_allows_one_open_request_only(dcc, make_user):
    from django.db import IntegrityError, transaction

    user = make_user()
    AccessRequest.objects.create(user=user, application=dcc)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.create(user=user, application=dcc, status="info_requested")
    AccessRequest.objects.create(user=user, application=dcc, status="refused")  # closed: fine


def test_locked_user_cannot_request(dcc, make_user):
    user = make_user(is_locked=True)
    with pytest.raises(ValidationError) as error:
        request_access.submit(user, dcc, [])
    assert error.value.code == "account_unusable"


def test_open_or_inactive_application_cannot_be_requested(client, make_user, make_application):
    client.force_login(make_user())
    make_application("libre", requires_request=False)
    make_application("fermee", is_active=False)
    assert client.get("/applications/libre/demande/").status_code == 404
    assert client.get("/applications/fermee/demande/").status_code == 404
    assert client.post("/applications/fermee/demande/", {}).status_code == 404


def test_non_referent_gets_403_in_french(client, make_user, dcc):
    user = make_user()
    dcc.referents.add(user)  # listed, but not in the referents' group
    client.force_login(user)
    response = client.get("/applications/referent/")
    assert response.status_code == 403


def test_referent_sees_only_their_applications_requests(client, two_apps):
    client.force_login(two_apps["dcc_referent"])
    ror_request = two_apps["ror_request"]
    assert (
        ror_request.user.display_name()
        not in client.get("/applications/referent/?status=").content.decode()
    )
    base = f"/applications/referent/demandes/{ror_request.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "accorder/", {}).status_code == 404
    assert client.post(base + "refuser/", {"reason": "x"}).status_code == 404
    assert client.post(base + "completer/", {"message": "x"}).status_code == 404
    ror_request.refresh_from_db()
    assert ror_request.status == AccessRequest.Status.PENDING
    assert not AccessGrant.objects.exists()


def test_referent_cannot_touch_another_applications_grant(client, two_apps, make_user, grant):
    access = grant(make_user(), two_apps["ror"], "lecteur")
    client.force_login(two_apps["dcc_referent"])
    base = f"/applications/referent/acces/{access.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "revoquer/", {}).status_code == 404
    assert client.post(base + "roles/", {"roles": []}).status_code == 404
    access.refresh_from_db()
    assert access.is_active and list(access.roles.values_list("code", flat=True)) == ["lecteur"]


def test_flows_check_the_referent_too(two_apps):
    with pytest.raises(PermissionDenied) as error:
        decide.refuse(two_apps["dcc_referent"], two_apps["ror_request"], "Non.")
    assert "Vous n'êtes pas référent de l'application ROR." in str(error.value)
    two_apps["ror_request"].refresh_from_db()
    assert two_apps["ror_request"].status == AccessRequest.Status.PENDING


def test_roles_of_another_application_are_refused(client, two_apps, oncocentre_member, submit_dcc):
    user = oncocentre_member()
    access_request = submit_dcc(user)
    foreign = two_apps["ror"].roles.get()
    client.force_login(two_apps["dcc_referent"])
    response = client.post(
        f"/applications/referent/demandes/{access_request.pk}/accorder/", {"roles": [foreign.pk]}
    )
    assert response.status_code == 400
    assert "Ce rôle n&#x27;est pas défini pour cette application" in response.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.PENDING
    with pytest.raises(ValidationError) as error:
        decide.grant(two_apps["dcc_referent"], access_request, [foreign])
    assert error.value.code == "foreign_role"
    assert not has_access(user, two_apps["dcc"])


def test_roles_change_with_foreign_role_is_refused(two_apps, oncocentre_member, submit_dcc):
    dcc, referent = two_apps["dcc"], two_apps["dcc_referent"]
    user = oncocentre_member()
    access = decide.grant(referent, submit_dcc(user), dcc.roles.filter(code="participant-rcp"))
    with pytest.raises(ValidationError):
        decide.change_roles(referent, access, [two_apps["ror"].roles.get()])
    assert granted_roles(user, dcc) == ["participant-rcp"]


def test_referent_cannot_grant_their_own_request(dcc, dcc_referent, submit_dcc):
    access_request = submit_dcc(dcc_referent)
    with pytest.raises(ValidationError) as error:
        decide.grant(dcc_referent, access_request, [], confirm_communities=True)
    assert error.value.messages == ["Vous ne pouvez pas traiter votre propre demande."]
    assert not has_access(dcc_referent, dcc)


def test_open_without_access_is_404(client, dcc, make_user):
    client.force_login(make_user())
    assert client.get("/applications/dcc/ouvrir/").status_code == 404


def test_posts_need_the_csrf_token(dcc, make_user, grant):
    user = make_user()
    grant(user, dcc)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.post("/applications/dcc/favori/").status_code == 403


def test_anonymous_is_sent_to_login(client, dcc):
    for url in ("/applications/dcc/demande/", "/applications/referent/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    response = client.post("/applications/dcc/favori/")
    assert response.status_code == 302


def test_answers_are_escaped_for_the_referent(client, dcc, dcc_referent, make_user, submit_dcc):
    from kiosque.portal.models import RequestField

    # a free-text question (the phone question now refuses anything but a phone number)
    RequestField.objects.create(
        application=dcc, key="commentaire", label="Commentaire", required=False, position=99
    )
    access_request = submit_dcc(make_user(), commentaire="<script>x()</script>")
    client.force_login(dcc_referent)
    html = client.get(f"/applications/referent/demandes/{access_request.pk}/").content.decode()
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("value", ["9223372036854775999", "-1", "1e3", "１x"])
def test_out_of_range_role_ids_get_a_french_message_not_a_server_error(
    client, dcc, dcc_referent, oncocentre_member, submit_dcc, value
):
    access_request = submit_dcc(oncocentre_member())
    client.force_login(dcc_referent)
    response = client.post(
        f"/applications/referent/demandes/{access_request.pk}/accorder/", {"roles": [value]}
    )
    assert response.status_code == 400  # the page again, the error next to the field
    assert "Ce rôle n&#x27;existe pas." in response.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.PENDING


def test_nobody_completes_another_users_registration_request(dcc, make_user):
    from kiosque.portal.flows.interests import interests_to_requests

    owner, intruder = make_user(), make_user()
    (access_request,) = interests_to_requests(owner, ["dcc"], [])
    with pytest.raises(ValidationError) as error:
        request_access.complete(intruder, access_request, [{"key": "k", "label": "L", "value": 1}])
    assert error.value.code == "not_owner"
    access_request.refresh_from_db()
    assert access_request.answers == []
