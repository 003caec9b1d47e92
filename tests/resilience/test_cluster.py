# ruff: noqa: S608 - SQL of the checks is built from ids and names the test made
"""Two nodes behind a (simulated) load balancer, one worker, one PostgreSQL, one Redis
(issue 10, item 1). Every browser keeps its cookies across both nodes, as a browser does with
a balancer in front; each speaks from its own loopback address."""

import itertools
import time

import pyotp
import pytest

from tests.resilience.harness import Browser, page_text, race
from tests.resilience.mailbox import latest_code, wait_for_messages

pytestmark = pytest.mark.slow

PASSWORD = "Correct-Horse-42!"
_ips = itertools.count(10)
_names = itertools.count(1)


def new_browser(**kwargs) -> Browser:
    return Browser(source_ip=f"127.0.1.{next(_ips)}", **kwargs)


def new_name(prefix: str) -> str:
    return f"{prefix}{next(_names)}"


def sql_count(pg, query: str) -> int:
    return int(pg.psql("kiosque", query))


def sign_in_to_second_factor(browser, base, username):
    response = browser.post(base, "/connexion/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, page_text(response)[:1000]
    assert response.headers["Location"] == "/connexion/second-facteur/"


def test_a_session_started_on_node_a_continues_on_node_b(cluster, cluster_smtp):
    username = new_name("alice")
    cluster.seed("user", username=username, password=PASSWORD)
    browser = new_browser()
    sign_in_to_second_factor(browser, cluster.a, username)

    stage = browser.get(cluster.b + "/connexion/second-facteur/")
    assert stage.status_code == 200
    assert "Un code vous a été envoyé par mail" in page_text(stage)
    code = latest_code(cluster_smtp, f"{username}@exemple.fr")

    done = browser.post(
        cluster.b,
        "/connexion/second-facteur/",
        {"action": "verify", "code": code, "method": "mail_code"},
    )
    assert done.status_code == 302 and done.headers["Location"] == "/applications/"
    for base in (cluster.a, cluster.b, cluster.a):
        portal = browser.get(base + "/applications/")
        assert portal.status_code == 200, base
        assert "Vos applications" in page_text(portal)

    browser.post(cluster.b, "/deconnexion/")
    assert browser.get(cluster.a + "/applications/").status_code == 302


def test_lockout_counters_are_shared_between_nodes(cluster):
    """Rate login.account=6/24h on the cluster: 3 failures on each node lock the account."""
    username = new_name("bruno")
    cluster.seed("user", username=username, password=PASSWORD)
    for attempt in range(6):
        base = cluster.a if attempt % 2 == 0 else cluster.b
        wrong = new_browser().post(
            base, "/connexion/", {"username": username, "password": "Faux-Secret-1!"}
        )
        assert wrong.status_code == 200, attempt
        assert "Identifiant ou mot de passe incorrect." in page_text(wrong)
    for base in (cluster.a, cluster.b):
        refused = new_browser().post(
            base, "/connexion/", {"username": username, "password": PASSWORD}
        )
        assert refused.status_code == 429
        assert "temporairement verrouillé" in page_text(refused)


def test_a_mail_code_posted_to_both_nodes_at_once_is_accepted_once(
    cluster, cluster_smtp, throwaway_pg
):
    username = new_name("chloe")
    user_id = cluster.seed("user", username=username, password=PASSWORD)["id"]
    browser = new_browser()
    sign_in_to_second_factor(browser, cluster.a, username)
    assert browser.get(cluster.b + "/connexion/second-facteur/").status_code == 200
    code = latest_code(cluster_smtp, f"{username}@exemple.fr")
    data = {"action": "verify", "code": code, "method": "mail_code"}

    results = race(
        lambda: browser.post(cluster.a, "/connexion/second-facteur/", data),
        lambda: browser.post(cluster.b, "/connexion/second-facteur/", data),
    )
    assert all(getattr(r, "status_code", 500) < 500 for r in results), results
    verified = sql_count(
        throwaway_pg,
        f"SELECT count(*) FROM audit_auditevent WHERE action = 'mfa.verified' "
        f"AND target_id = '{user_id}'",
    )
    assert verified == 1
    used = sql_count(
        throwaway_pg,
        f"SELECT count(*) FROM mfa_mailedcode WHERE user_id = {user_id} AND used_at IS NOT NULL",
    )
    assert used == 1


def test_a_totp_code_raced_by_two_sign_ins_on_both_nodes_is_accepted_once(cluster):
    username = new_name("denis")
    secret = cluster.seed("user", username=username, password=PASSWORD, totp=True)["totp_secret"]
    browsers = [new_browser(), new_browser()]
    for browser, base in zip(browsers, (cluster.a, cluster.b), strict=True):
        sign_in_to_second_factor(browser, base, username)
        chosen = browser.post(
            base, "/connexion/second-facteur/", {"action": "choose", "method": "totp"}
        )
        assert chosen.status_code == 200  # the code page answers the choice
    code = pyotp.TOTP(secret).now()
    data = {"action": "verify", "code": code, "method": "totp"}
    results = race(
        lambda: browsers[0].post(cluster.a, "/connexion/second-facteur/", data),
        lambda: browsers[1].post(cluster.b, "/connexion/second-facteur/", data),
    )
    signed_in = [
        r for r in results if r.status_code == 302 and r.headers["Location"] == "/applications/"
    ]
    assert len(signed_in) == 1, [(r.status_code, r.headers.get("Location")) for r in results]
    refused = [r for r in results if r not in signed_in][0]
    assert refused.status_code == 200
    assert "code" in page_text(refused).lower()


def registration_steps(email):
    steps = [
        ("/inscription/", {"accept": "on"}),
        (
            "/inscription/identite/",
            {
                "profession": "10", "specialty": "SM35", "rpps": "10000000009", "adeli": "",
                "cpx_number": "", "title": "DR", "civility": "MME", "last_name": "DUPONT",
                "birth_name": "PETIT", "first_name": "Nathalie", "birth_date": "07/06/1994",
            },
        ),
        (
            "/inscription/contacts/",
            {
                "phone_professional": "02 47 47 47 47", "phone_mobile": "06 75 03 05 22",
                "email_auth": email, "email_auth_confirmation": email,
                "email_communication": "secretariat.onco@example.fr",
            },
        ),
        (
            "/inscription/etablissement/",
            {
                "etab1_query": "AIRBP IRC DREUX", "etab1_finess": "280503848",
                "etab1_function": "Médecin", "etab1_service": "ADMINISTRATION",
                "etab1_country": "FRANCE", "etab2_country": "FRANCE",
            },
        ),
        ("/inscription/centres-interet/", {}),  # optional: nothing ticked
    ]  # fmt: skip
    return steps


@pytest.fixture(scope="module")
def registration_ready(cluster):
    cluster.seed("registration_ready")


def test_a_registration_raced_on_both_nodes_is_recorded_once(
    cluster, cluster_smtp, throwaway_pg, registration_ready
):
    email = f"{new_name('eva')}@chu-exemple.fr"
    browser = new_browser()
    for index, (path, data) in enumerate(registration_steps(email)):
        base = cluster.a if index % 2 == 0 else cluster.b
        browser.get(base + path)
        response = browser.post(base, path, data)
        assert response.status_code == 302, (path, page_text(response)[:2000])
    assert browser.get(cluster.b + "/inscription/recapitulatif/").status_code == 200
    summary = {"captcha": "PASSED"}
    results = race(
        lambda: browser.post(cluster.a, "/inscription/recapitulatif/", summary),
        lambda: browser.post(cluster.b, "/inscription/recapitulatif/", summary),
    )
    assert all(r.status_code < 500 for r in results), [r.status_code for r in results]
    assert any(r.status_code == 302 for r in results)
    rows = sql_count(
        throwaway_pg,
        f"SELECT count(*) FROM registration_registrationrequest WHERE email_auth = '{email}'",
    )
    assert rows == 1
    wait_for_messages(cluster_smtp, email, 1)
    time.sleep(1.5)  # a second e-mail would have been delivered by now
    assert len(wait_for_messages(cluster_smtp, email, 1)) == 1


def test_a_review_decision_raced_on_both_nodes_applies_once(
    cluster, throwaway_pg, registration_ready
):
    pk = cluster.seed("registration", rpps="12345678903")
    first = new_browser(session_key=cluster.seed("reviewer", username=new_name("revue")))
    second = new_browser(session_key=cluster.seed("reviewer", username=new_name("revue")))
    path = f"/gestion/demandes/{pk}/decision/"
    results = race(
        lambda: first.post(cluster.a, path, {"request_id": pk, "decision": "approve"}),
        lambda: second.post(
            cluster.b, path, {"request_id": pk, "decision": "reject", "reason_code": "duplicate"}
        ),
    )
    assert [r.status_code for r in results] == [302, 302], [r.status_code for r in results]
    decisions = sql_count(
        throwaway_pg,
        "SELECT count(*) FROM audit_auditevent WHERE target_id = "
        f"'{pk}' AND action IN ('registration.approved', 'registration.rejected')",
    )
    assert decisions == 1
    status = throwaway_pg.psql(
        "kiosque", f"SELECT status FROM registration_registrationrequest WHERE id = {pk}"
    )
    accounts = sql_count(
        throwaway_pg,
        f"SELECT count(*) FROM registration_registrationrequest WHERE id = {pk} "
        "AND account_id IS NOT NULL",
    )
    assert (status, accounts) in (("approved", 1), ("rejected", 0)), (status, accounts)


def test_an_access_request_decision_raced_on_both_nodes_applies_once(cluster, throwaway_pg):
    seeded = cluster.seed("access_request", username=new_name("fanny"), referent=new_name("ref"))
    pk = seeded["request"]
    referent = new_browser(session_key=seeded["referent_session"])
    results = race(
        lambda: referent.post(cluster.a, f"/applications/referent/demandes/{pk}/accorder/", {}),
        lambda: referent.post(
            cluster.b, f"/applications/referent/demandes/{pk}/refuser/", {"reason": "Non."}
        ),
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [302, 400], codes
    decisions = sql_count(
        throwaway_pg,
        "SELECT count(*) FROM audit_auditevent WHERE target_id = "
        f"'{pk}' AND action IN ('access.granted', 'access.refused')",
    )
    assert decisions == 1


def test_an_oidc_authorization_code_is_redeemed_once_across_nodes(cluster):
    from urllib.parse import parse_qs, urlencode, urlsplit

    from kiosque.oidc.tests.conftest import pkce_pair

    redirect_uri = "http://127.0.0.1:8765/callback"
    seeded = cluster.seed(
        "oidc_client", slug=new_name("rp"), redirect_uri=redirect_uri, username=new_name("gilles")
    )
    browser = new_browser(session_key=seeded["session"])
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code", "client_id": seeded["client_id"], "redirect_uri": redirect_uri,
            "scope": "openid", "state": "s1", "nonce": "n1", "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )  # fmt: skip
    authorized = browser.get(f"{cluster.a}/oidc/authorize/?{query}")
    assert authorized.status_code == 302, page_text(authorized)[:1000]
    code = parse_qs(urlsplit(authorized.headers["Location"]).query)["code"][0]
    token_data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    auth = (seeded["client_id"], seeded["secret"])
    relying_party = new_browser()
    results = race(
        lambda: relying_party.http.post(
            f"{cluster.a}/oidc/token/", data=token_data, auth=auth, timeout=30
        ),
        lambda: relying_party.http.post(
            f"{cluster.b}/oidc/token/", data=token_data, auth=auth, timeout=30
        ),
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 400], [(r.status_code, r.text[:300]) for r in results]
    refused = [r for r in results if r.status_code == 400][0]
    assert refused.json()["error"] == "invalid_grant"
