"""The wizard's state lives in the session: reloads and the back button keep it, and no step
is reached before the earlier ones are valid."""

import re

import pytest

from kiosque.registration.tests.conftest import STEP_URLS, page_text


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("identity", "/inscription/"),
        ("contacts", "/inscription/"),
        ("establishment", "/inscription/"),
        ("interests", "/inscription/"),
        ("summary", "/inscription/"),
    ],
)
def test_later_step_redirects_to_the_first_incomplete(wizard, step, expected):
    response = wizard.client.get(STEP_URLS[step])
    assert response.status_code == 302
    assert response["Location"] == expected


def test_redirect_goes_to_the_first_incomplete_step(wizard):
    wizard.complete("conditions", "identity")
    response = wizard.client.get(STEP_URLS["summary"])
    assert response["Location"] == "/inscription/contacts/"
    response = wizard.client.post(STEP_URLS["establishment"], {})
    assert response["Location"] == "/inscription/contacts/"


def test_reload_shows_the_values(wizard):
    wizard.complete("conditions", "identity")
    page = page_text(wizard.client.get(STEP_URLS["identity"]))
    assert 'value="DUPONT"' in page
    assert 'value="10000000009"' in page
    assert 'value="07/06/1994"' in page
    assert '<option value="10" selected data-has-rpps="1"' in page
    assert '<option value="SM35" selected>' in page
    assert 'class="error-summary"' not in page


def test_going_back_keeps_every_step(wizard):
    wizard.complete()
    for step in ("conditions", "identity", "contacts", "establishment", "interests"):
        response = wizard.client.get(STEP_URLS[step])
        assert response.status_code == 200
        assert response.context["form"].is_valid()
    assert 'value="nathalie.petit@example.fr"' in page_text(
        wizard.client.get(STEP_URLS["contacts"])
    )
    assert "checked" in page_text(wizard.client.get(STEP_URLS["conditions"]))


def test_invalid_change_keeps_the_last_valid_data(wizard):
    wizard.complete()
    response = wizard.post("identity", last_name="")
    assert response.status_code == 200
    assert wizard.client.get(STEP_URLS["summary"]).status_code == 200
    assert 'value="DUPONT"' in page_text(wizard.client.get(STEP_URLS["identity"]))


def test_changing_a_step_keeps_the_others(wizard):
    wizard.complete()
    wizard.post("identity", first_name="Anne")
    page = page_text(wizard.client.get(STEP_URLS["summary"]))
    assert "Anne" in page
    assert "nathalie.petit@example.fr" in page


def test_step_indicator(wizard):
    wizard.complete("conditions", "identity")
    page = page_text(wizard.client.get(STEP_URLS["contacts"]))
    assert '<ol class="steps">' in page
    assert '<li aria-current="step">Contacts</li>' in page
    assert '<a href="/inscription/identite/">Informations personnelles' in page
    assert '<a href="/inscription/">' in page
    assert 'value="previous" class="button" formnovalidate>Étape précédente</button>' in page


def test_new_session_starts_empty(wizard, client):
    wizard.complete()
    other = type(client)(REMOTE_ADDR="10.99.0.1")
    assert other.get(STEP_URLS["summary"])["Location"] == "/inscription/"


def test_pages_are_not_cached(wizard):
    response = wizard.client.get(STEP_URLS["conditions"])
    assert "no-store" in response["Cache-Control"]


def test_previous_step_is_a_button_and_enter_still_moves_on(wizard):
    wizard.complete("conditions", "identity")
    page = page_text(wizard.client.get(STEP_URLS["contacts"]))
    form = page[page.index('<form method="post"') :]
    buttons = re.findall(r'<button type="submit" name="action" value="([a-z0-9-]+)"', form)
    assert buttons[0] == "next"  # the default button, for Enter in a text field
    assert "previous" in buttons
    assert 'href="/inscription/identite/">Étape précédente' not in page


def test_previous_step_keeps_what_was_typed_even_when_invalid(wizard):
    wizard.complete("conditions", "identity")
    response = wizard.post(
        "contacts", action="previous", phone_mobile="06 75 03 05 2", email_auth="n.petit@"
    )
    assert response.status_code == 302
    assert response["Location"] == STEP_URLS["identity"]
    # The step is not valid: it does not count as done.
    assert wizard.client.get(STEP_URLS["establishment"])["Location"] == STEP_URLS["contacts"]
    page = page_text(wizard.client.get(STEP_URLS["contacts"]))
    assert 'value="06 75 03 05 2"' in page
    assert 'value="n.petit@"' in page
    assert 'value="02 47 47 47 47"' in page
    assert "error-summary" not in page  # not an attempt to move on: no error yet


def test_previous_step_keeps_a_change_to_a_valid_step(wizard):
    wizard.complete()
    wizard.post("interests")
    response = wizard.post("establishment", action="previous", etab1_service="Radiothérapie")
    assert response["Location"] == STEP_URLS["contacts"]
    page = page_text(wizard.client.get(STEP_URLS["establishment"]))
    assert 'value="Radiothérapie"' in page
    assert wizard.post("establishment", etab1_service="Radiothérapie").status_code == 302
    summary = page_text(wizard.client.get(STEP_URLS["summary"]))
    assert "Radiothérapie" in summary


def test_a_validated_step_forgets_its_draft(wizard):
    wizard.complete("conditions", "identity")
    wizard.post("contacts", action="previous", phone_mobile="06 00")
    assert wizard.post("contacts").status_code == 302
    page = page_text(wizard.client.get(STEP_URLS["contacts"]))
    assert 'value="06 75 03 05 22"' in page
    assert 'value="06 00"' not in page


def test_previous_from_the_summary_is_a_link(wizard, captcha_test_mode):
    wizard.complete()
    page = page_text(wizard.client.get(STEP_URLS["summary"]))
    assert 'href="/inscription/centres-interet/">Étape précédente' in page
