"""Linking and unlinking Pro Santé Connect from "Mon compte" (issue 19): a link is stored
only when PSC returns "8" + the signed-in user's verified RPPS; unlinking asks for the
password again."""

import pytest

from kiosque.audit.models import AuditEvent
from kiosque.oidc.tests import psc_helpers
from kiosque.oidc.tests.factories import professional
from kiosque.professionals.models import PscLink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ACCOUNT = "/compte/"
LINK = "/compte/pro-sante-connect/associer/"
UNLINK = "/compte/pro-sante-connect/dissocier/"


def _link(provider, browser, national_id):
    start = psc_helpers.post_form(browser, f"{provider}{ACCOUNT}", f"{provider}{LINK}")
    assert start.status_code == 302
    assert "prompt=login" in start.headers["Location"]
    return psc_helpers.at_psc(browser, start, national_id)


def test_linking_stores_the_verified_rpps_the_psc_identity_confirms(
    psc_provider, provider, make_user, signed_in
):
    user = make_user()
    professional(user, rpps="10000000009")
    browser = signed_in(user)
    page = browser.get(f"{provider}{ACCOUNT}", timeout=10).text
    assert "Associer Pro Santé Connect" in page
    back = _link(provider, browser, "810000000009")
    assert back.headers["Location"] == ACCOUNT
    assert PscLink.objects.get(user=user).subject == "810000000009"
    assert (
        "Pro Santé Connect est associé à votre compte"
        in browser.get(f"{provider}{ACCOUNT}", timeout=10).text
    )
    event = AuditEvent.objects.get(action="mfa.device_added", actor=user)
    assert event.context == {"method": "psc", "via": "account", "subject": "810000000009"}


def test_another_psc_identity_is_not_linked(psc_provider, provider, make_user, signed_in):
    user = make_user()
    professional(user, rpps="10000000009")
    browser = signed_in(user)
    back = _link(provider, browser, "812345678903")  # someone else's card
    assert back.headers["Location"] == ACCOUNT
    assert not PscLink.objects.exists()
    page = browser.get(f"{provider}{ACCOUNT}", timeout=10).text
    assert "ne correspond pas au N° RPPS vérifié de votre compte" in page
    event = AuditEvent.objects.get(action="mfa.failed", actor=user)
    assert event.context["reason"] == "psc_subject_mismatch"


def test_an_unverified_rpps_cannot_be_linked(psc_provider, provider, make_user, signed_in):
    user = make_user()
    professional(user, rpps="10000000009", verified=False)
    browser = signed_in(user)
    page = browser.get(f"{provider}{ACCOUNT}", timeout=10).text
    assert "Associer Pro Santé Connect" not in page
    assert "dont le N° RPPS a été vérifié" in page
    back = _link(provider, browser, "810000000009")  # the form posted anyway
    assert back.headers["Location"] == ACCOUNT
    assert not PscLink.objects.exists()


def test_a_psc_return_for_another_users_link_is_refused(
    psc_provider, provider, make_user, signed_in
):
    """The link started for one user cannot be completed in a session of another."""
    user, other = make_user(), make_user()
    professional(user, rpps="10000000009")
    browser = signed_in(user)
    start = psc_helpers.post_form(browser, f"{provider}{ACCOUNT}", f"{provider}{LINK}")
    # The session now belongs to someone else (same cookie jar, other account).
    browser.cookies.clear()
    browser = signed_in(other)
    back = psc_helpers.at_psc(browser, start, "810000000009")
    assert back.status_code == 400
    assert not PscLink.objects.exists()


def test_unlinking_asks_for_the_password_and_is_audited(
    psc_provider, provider, make_user, signed_in
):
    user = make_user()
    user.set_password("Correct-horse-battery-9")
    user.save()
    professional(user, rpps="10000000009")
    PscLink.objects.create(user=user, subject="810000000009")
    browser = signed_in(user)
    assert "Dissocier Pro Santé Connect" in browser.get(f"{provider}{ACCOUNT}", timeout=10).text
    wrong = psc_helpers.post_form(
        browser, f"{provider}{UNLINK}", f"{provider}{UNLINK}", password="wrong-password"
    )
    assert wrong.status_code == 200
    assert PscLink.objects.get(user=user).active
    done = psc_helpers.post_form(
        browser, f"{provider}{UNLINK}", f"{provider}{UNLINK}", password="Correct-horse-battery-9"
    )
    assert done.headers["Location"] == ACCOUNT
    assert not PscLink.objects.get(user=user).active
    event = AuditEvent.objects.get(action="mfa.device_removed", actor=user)
    assert event.context == {"method": "psc", "subject": "810000000009"}
    # Signing in with PSC no longer opens the account.
    _browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.status_code == 403
    # Linking again from "Mon compte" restores it.
    back = _link(provider, browser, "810000000009")
    assert back.headers["Location"] == ACCOUNT
    assert PscLink.objects.get(user=user).active
