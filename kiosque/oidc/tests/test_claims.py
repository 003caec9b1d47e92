"""Which claims each scope releases, professional claims with PSC's names, roles, acr/amr."""

import base64
import json

import pytest

from kiosque.oidc.claims import acr_satisfies, authentication_context
from kiosque.oidc.tests.factories import professional

pytestmark = pytest.mark.django_db(transaction=True)


def _payload(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def pro(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client(roles=("medecin-rcp", "secretariat-3c", "admin"))
    user = make_user(first_name="Louis", last_name="Pasteur")
    professional(user)
    grant(user, client, "medecin-rcp", "secretariat-3c")
    return client, secret, user, signed_in(user, ("password", "mail_code"))


def test_openid_alone_releases_only_the_subject(pro, code_flow):
    client, secret, _user, browser = pro
    claims = _payload(code_flow(browser, client, secret, scope="openid")["id_token"])
    for absent in ("name", "email", "SubjectNameID", "roles"):
        assert absent not in claims
    assert claims["amr"] == ["pwd", "otp", "mfa"]


def test_every_scope(pro, code_flow):
    client, secret, user, browser = pro
    scope = "openid profile email rpps roles"
    claims = _payload(code_flow(browser, client, secret, scope=scope)["id_token"])
    assert claims["name"] == "Louis Pasteur"
    assert claims["family_name"] == "Pasteur"
    assert claims["preferred_username"] == user.username
    assert claims["SubjectNameID"] == "810000000009"
    exercice = claims["SubjectRefPro"]["exercices"][0]
    assert exercice["codeProfession"] == "10"
    assert exercice["codeSavoirFaire"] == "SM36"
    assert exercice["activities"][0]["numeroFinessSite"] == "450000088"
    assert exercice["activities"][0]["raisonSocialeSite"] == "CHR d'Orléans"
    assert sorted(claims["roles"]) == ["medecin-rcp", "secretariat-3c"]


def test_adeli_national_id(provider, make_user, make_client, grant, signed_in, code_flow):
    client, secret = make_client()
    user = make_user()
    professional(user, rpps="", adeli="451234567")
    grant(user, client)
    claims = _payload(code_flow(signed_in(user), client, secret, scope="openid rpps")["id_token"])
    assert claims["SubjectNameID"] == "0451234567"


def test_sub_is_stable_across_sign_ins(pro, code_flow, signed_in):
    client, secret, user, browser = pro
    first = _payload(code_flow(browser, client, secret)["id_token"])["sub"]
    second = _payload(code_flow(signed_in(user), client, secret)["id_token"])["sub"]
    assert first == second
    assert first != user.username and first != str(user.pk)


@pytest.mark.parametrize(
    "methods, session, expected",
    [
        (["password", "totp"], {}, ("urn:kiosque:loa:totp", ["pwd", "otp", "mfa"])),
        (["password", "mail_code"], {}, ("urn:kiosque:loa:mail", ["pwd", "otp", "mfa"])),
        (["psc"], {"_oidc_psc_amr": ["sc"]}, ("eidas1", ["sc", "mfa"])),
        (["password"], {}, ("urn:kiosque:loa:pwd", ["pwd"])),
        (
            ["passkey"],
            {"_kiosque_passkey_amr": "swk"},
            ("urn:kiosque:loa:passkey", ["swk", "user", "mfa"]),
        ),
        (
            ["password", "passkey"],
            {},
            ("urn:kiosque:loa:passkey", ["pwd", "hwk", "user", "mfa"]),
        ),
        (["password", "mail_code", "totp"], {}, ("urn:kiosque:loa:totp", ["pwd", "otp", "mfa"])),
    ],
)
def test_authentication_context_values(rf, django_user_model, methods, session, expected):
    request = rf.get("/")
    request.user = django_user_model(username="ctx")
    request.session = {"_kiosque_amr": methods, **session}
    assert authentication_context(request) == expected


@pytest.mark.parametrize(
    "acr, requested, met",
    [
        ("urn:kiosque:loa:mail", ["urn:kiosque:loa:totp"], False),
        ("urn:kiosque:loa:totp", ["urn:kiosque:loa:totp"], True),
        ("urn:kiosque:loa:passkey", ["urn:kiosque:loa:totp"], True),
        ("urn:kiosque:loa:passkey", ["eidas1"], False),
        ("urn:kiosque:loa:passkey", ["eidas1", "urn:kiosque:loa:passkey"], True),
        ("urn:kiosque:loa:mail", ["urn:kiosque:mfa"], True),  # the former value, an alias
        ("urn:kiosque:loa:pwd", ["urn:kiosque:mfa"], False),
        ("urn:kiosque:loa:pwd", ["urn:kiosque:pwd"], True),
        ("urn:kiosque:loa:pwd", ["1", "2"], True),  # unknown values are ignored
    ],
)
def test_acr_satisfies_follows_the_order_of_levels(acr, requested, met):
    assert acr_satisfies(acr, requested) is met


def test_the_roles_of_an_id_token_are_those_of_its_own_application(
    provider, make_user, make_client, grant, signed_in, code_flow
):
    dcc, dcc_secret = make_client(roles=("medecin-rcp", "admin"))
    sphere, sphere_secret = make_client(roles=("lecteur", "admin"))
    user = make_user()
    grant(user, dcc, "medecin-rcp")
    grant(user, sphere, "lecteur")
    browser = signed_in(user)
    first = _payload(code_flow(browser, dcc, dcc_secret, scope="openid roles")["id_token"])
    second = _payload(code_flow(browser, sphere, sphere_secret, scope="openid roles")["id_token"])
    assert first["roles"] == ["medecin-rcp"]
    assert second["roles"] == ["lecteur"]
