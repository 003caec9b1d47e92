"""The token lookup of userinfo and introspection (oidc.lookup): one hand-written statement,
the values and answers the ORM gives, and nothing remembered from one request to the next."""

import base64
from datetime import timedelta

import pytest
from django.test import Client as DjangoClient
from django.utils import timezone

from kiosque.accounts.models import User
from kiosque.directory.models import Establishment
from kiosque.oidc import claims, lookup, tokens
from kiosque.oidc.models import Client, Subject, Token
from kiosque.oidc.tests.factories import professional
from kiosque.portal.models import Application
from kiosque.professionals.models import ProfessionalEstablishment, ProfessionalProfile

pytestmark = pytest.mark.django_db

SCOPE = "openid profile email rpps"


@pytest.fixture
def setup(settings, tmp_path, make_user, make_client, grant):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    settings.KIOSQUE_BASE_URL = "http://testserver"
    client, secret = make_client()
    user = make_user(first_name="Louis", last_name="Pasteur")
    Subject.objects.create(user=user)
    access = grant(user, client)
    return client, secret, user, access


def _issue(client, user, scope=SCOPE) -> tuple[str, str]:
    access, refresh = tokens.new_secret(), tokens.new_secret()
    now = timezone.now()
    Token.objects.create(
        client=client,
        user=user,
        access_token_hash=tokens.token_hash(access),
        refresh_token_hash=tokens.token_hash(refresh),
        scope=scope,
        issued_at=now - timedelta(minutes=1, microseconds=1234),
        expires_at=now + timedelta(hours=1),
        refresh_expires_at=now + timedelta(days=1),
    )
    return access, refresh


def _userinfo(access):
    return DjangoClient().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access}")


def _introspect(client, secret, token) -> dict:
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    reply = DjangoClient().post(
        "/oidc/introspect/", {"token": token}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert reply.status_code == 200
    return reply.json()


def _places(user):
    """Three more places, created out of order: one at a directory site (its legal entity is
    released), one at a site since gone from the directory (no constraint), one typed."""
    profile = professional(user)
    Establishment.objects.create(finess="280000001", finess_ej="280000000", name="CH Dreux")
    ProfessionalEstablishment.objects.create(
        profile=profile, position=4, name="Cabinet", city="Tours", function="Libéral"
    )
    ProfessionalEstablishment.objects.create(
        profile=profile, position=2, establishment_id="280000001", finess="280000001",
        name="CH Dreux", postal_code="28100", city="Dreux", service="Oncologie",
    )  # fmt: skip
    ProfessionalEstablishment.objects.create(
        profile=profile, position=3, establishment_id="999999999", finess="999999999", name="Ex"
    )


def test_userinfo_answers_the_orm_claims_with_the_places_in_one_statement(
    setup, django_assert_num_queries
):
    client, _secret, user, _access = setup
    _places(user)
    access, _refresh = _issue(client, user)
    expected = claims.user_claims(User.objects.get(pk=user.pk), SCOPE.split(), client)
    with django_assert_num_queries(1):
        response = _userinfo(access)
    assert response.status_code == 200
    assert response.json() == expected
    activities = response.json()["SubjectRefPro"]["exercices"][0]["activities"]
    assert [place["raisonSocialeSite"] for place in activities] == [
        "CHR d'Orléans", "CH Dreux", "Ex", "Cabinet"
    ]  # fmt: skip
    assert [place["numeroFinessetablissementJuridique"] for place in activities] == [
        "", "280000000", "", ""
    ]  # fmt: skip


def test_userinfo_of_an_account_without_profile_reads_one_statement(
    setup, django_assert_num_queries
):
    client, _secret, user, _access = setup
    access, _refresh = _issue(client, user)
    with django_assert_num_queries(1):
        response = _userinfo(access)
    assert response.json() == claims.user_claims(user, SCOPE.split(), client)
    assert "SubjectNameID" not in response.json()


def _expire(token, _grant, _user):
    Token.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _revoke(token, _grant, _user):
    Token.objects.filter(pk=token.pk).update(revoked_at=timezone.now())


def _revoke_grant(_token, grant, _user):
    grant.revoked_at = timezone.now()
    grant.save()


def _deactivate(_token, _grant, user):
    User.objects.filter(pk=user.pk).update(deactivated_at=timezone.now())


def _lock(_token, _grant, user):
    User.objects.filter(pk=user.pk).update(is_locked=True)


def _lock_for_an_hour(_token, _grant, user):
    later = timezone.now() + timedelta(hours=1)
    User.objects.filter(pk=user.pk).update(is_locked=True, locked_until=later)


def _close_application(token, _grant, _user):
    Application.objects.filter(oidc_client=token.client_id).update(is_active=False)


@pytest.mark.parametrize(
    "change",
    [_expire, _revoke, _revoke_grant, _deactivate, _lock, _lock_for_an_hour, _close_application],
)
def test_a_token_is_refused_at_the_very_next_request(setup, change):
    client, secret, user, access_grant = setup
    access, _refresh = _issue(client, user)
    assert _userinfo(access).status_code == 200
    assert _introspect(client, secret, access)["active"] is True
    change(Token.objects.get(access_token_hash=tokens.token_hash(access)), access_grant, user)
    refused = _userinfo(access)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused["WWW-Authenticate"]
    if change is not _expire:  # an expired token is inactive before any of this
        assert _introspect(client, secret, access) == {"active": False}


def test_a_lock_that_is_over_no_longer_refuses(setup):
    client, _secret, user, _access = setup
    earlier = timezone.now() - timedelta(minutes=1)
    User.objects.filter(pk=user.pk).update(is_locked=True, locked_until=earlier)
    access, _refresh = _issue(client, user)
    assert _userinfo(access).status_code == 200


def test_introspection_tells_the_stored_times_of_either_token(setup):
    client, secret, user, _access = setup
    access, refresh = _issue(client, user)
    row = Token.objects.get(access_token_hash=tokens.token_hash(access))
    described = _introspect(client, secret, access)
    assert described["token_type"] == "Bearer"
    assert described["iat"] == int(row.issued_at.timestamp())
    assert described["exp"] == int(row.expires_at.timestamp())
    assert described["sub"] == str(user.oidc_subject.sub)
    described = _introspect(client, secret, refresh)
    assert described["token_type"] == "refresh_token"
    assert described["exp"] == int(row.refresh_expires_at.timestamp())


def test_a_client_token_has_no_user(setup):
    client, secret, _user, _access = setup
    access, _refresh = _issue(client, None, scope="openid")
    found = lookup.by_either_token(tokens.token_hash(access))
    assert found.token.user is None and found.grant_exists is False
    described = _introspect(client, secret, access)
    assert described["active"] is True and "sub" not in described


def test_an_unknown_token_is_not_found(setup):
    assert lookup.by_access_token(tokens.token_hash("nope"), places=True) is None
    assert lookup.by_either_token(tokens.token_hash("nope")) is None


def _same_values(instance, model, names):
    stored = model.objects.get(pk=instance.pk)
    for name in names:
        attname = model._meta.get_field(name).attname
        value, expected = getattr(instance, attname), getattr(stored, attname)
        assert (value, type(value)) == (expected, type(expected)), name


def test_the_lookup_reads_each_value_as_the_orm_does(setup, django_assert_num_queries):
    client, _secret, user, _access = setup
    _places(user)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(days=1))
    access, _refresh = _issue(client, user)
    Token.objects.update(revoked_at=timezone.now(), rotated_at=timezone.now())
    with django_assert_num_queries(1):
        found = lookup.by_access_token(tokens.token_hash(access), places=True)
        token, profile = found.token, found.professional.profile
        subject, places = token.user.oidc_subject, found.professional.places
        application = token.client.application
    assert found.grant_exists is True and token.user.professional_profile is profile
    _same_values(token, Token, [field.name for field in Token._meta.concrete_fields])
    _same_values(token.client, Client, lookup.CLIENT_FIELDS)
    _same_values(application, Application, lookup.APPLICATION_FIELDS)
    _same_values(token.user, User, lookup.USER_FIELDS)
    _same_values(subject, Subject, lookup.SUBJECT_FIELDS)
    _same_values(profile, ProfessionalProfile, lookup.PROFILE_FIELDS)
    assert [place.position for place in places] == [1, 2, 3, 4]
    for place in places:
        names = [name for name in lookup.PLACE_FIELDS if name != "establishment"]
        _same_values(place, ProfessionalEstablishment, names)
    # The site gone from the directory reads as none, as through the ORM's join.
    assert [place.establishment_id for place in places] == [None, "280000001", None, None]
    assert places[1].establishment.finess_ej == "280000000"
