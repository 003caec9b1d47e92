"""The whole form in Chromium, by its French labels, with the JavaScript enhancements."""

import re

import pytest
from playwright.sync_api import expect

from kiosque.directory.reference import load_reference_data
from kiosque.registration.models import RegistrationRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THANKS = "Votre demande a été prise en compte, elle est en cours de traitement par nos équipes."


@pytest.fixture
def ready(settings, request):
    """Reference tables (a flush by an earlier transactional test empties them) and three
    establishments. The captcha is the real one: Chromium solves its proof of work."""
    load_reference_data()
    request.getfixturevalue("establishments")
    settings.KIOSQUE_CAPTCHA_TEST_MODE = False


@pytest.fixture
def console_errors(page):
    """Console errors (a Content-Security-Policy violation is one) and uncaught exceptions."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def label(text):
    """A label's exact text, whatever follows it (the asterisk of required fields)."""
    return re.compile(rf"^{re.escape(text)}\s*\*?$")


def accept_conditions(page):
    page.goto("/inscription/")
    page.get_by_label("J'accepte les conditions générales d'utilisation").check()
    page.get_by_role("button", name="Étape suivante").click()
    expect(page).to_have_url(re.compile(r"/inscription/identite/$"))


def fill_contacts(page, email):
    page.get_by_label(label("Téléphone mobile")).fill("06 75 03 05 22")
    page.get_by_label(label("Mail pour l'authentification")).fill(email)
    page.get_by_label(label("Confirmation du mail pour l'authentification")).fill(email)
    page.get_by_role("button", name="Étape suivante").click()
    expect(page).to_have_url(re.compile(r"/inscription/etablissement/$"))


def skip_interests(page):
    expect(page).to_have_url(re.compile(r"/inscription/centres-interet/$"))
    expect(page.get_by_role("group", name="Applications")).to_be_visible()
    page.get_by_role("button", name="Étape suivante").click()


def wait_for_captcha(page):
    """The widget starts its proof of work on load; its hidden input then holds the solution."""
    solution = page.locator('input[name="captcha"]')
    expect(solution).to_have_count(1)
    expect(solution).to_have_value(re.compile(r"^[A-Za-z0-9+/=]{100,}$"), timeout=30_000)
    expect(page.locator("altcha-widget").get_by_text("Vérifié", exact=True)).to_be_visible()


def send(page):
    expect(page).to_have_url(re.compile(r"/inscription/recapitulatif/$"))
    wait_for_captcha(page)
    page.get_by_role("button", name="DEMANDER MON INSCRIPTION").click()
    expect(page.get_by_text(THANKS)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/inscription/merci/$"))


def test_physician_with_establishment_autocomplete(page, ready, console_errors):
    accept_conditions(page)

    page.get_by_label(label("Profession")).select_option(label="Médecin")
    specialty = page.get_by_label(label("Spécialité professionnelle - Médecin"))
    expect(specialty).to_be_visible()
    expect(specialty.locator("optgroup")).to_have_count(1)
    specialty.select_option(label="Oncologie, option Onco-hématologie")
    page.get_by_label(label("N° RPPS")).fill("10000000009")
    page.get_by_label(label("Titre")).select_option(label="Docteur")
    page.get_by_label(label("Civilité")).select_option(label="Madame")
    page.get_by_label(label("Nom d'usage")).fill("DUPONT")
    page.get_by_label(label("Nom de naissance")).fill("PETIT")
    page.get_by_label(label("Prénom")).fill("Nathalie")
    page.get_by_label(label("Date de naissance")).fill("07/06/1994")
    page.get_by_role("button", name="Étape suivante").click()
    expect(page).to_have_url(re.compile(r"/inscription/contacts/$"))

    fill_contacts(page, "nathalie.petit@example.fr")

    second = page.get_by_label(label("Service d'exercice (deuxième établissement)"))
    expect(second).to_be_hidden()
    search = page.get_by_role("combobox", name=label("Etablissement d'exercice"))
    search.press_sequentially("dreu", delay=50)
    suggestion = page.get_by_role("option", name=re.compile("AIRBP IRC DREUX"))
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(search).to_have_value("AIRBP IRC DREUX")
    details = page.locator("#etablissement-1 [data-details]")
    expect(details).to_contain_text("280503848")
    expect(details).to_contain_text("28 - Eure-et-Loir")
    expect(details).to_contain_text("DREUX")
    page.get_by_label(label("Type de fonction")).fill("Médecin")
    page.get_by_label(label("Service d'exercice")).fill("ADMINISTRATION")
    page.get_by_role("button", name="Étape suivante").click()
    skip_interests(page)

    expect(page.get_by_text("280503848")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Modifier"))).to_have_count(4)
    expect(page.locator("img")).to_have_count(page.locator("header img, footer img").count())
    send(page)

    request = RegistrationRequest.objects.get()
    assert (request.last_name, request.first_name, request.rpps) == (
        "DUPONT",
        "Nathalie",
        "10000000009",
    )
    assert request.specialty_id == "SM35"
    assert request.establishments.get().finess == "280503848"
    assert console_errors == []


def test_secretary_with_establishment_not_listed(page, ready, console_errors):
    accept_conditions(page)

    page.get_by_label(label("Profession")).select_option(
        label="Profession non de santé (secrétariat, coordination, administration)"
    )
    expect(page.locator("[data-specialty-block]")).to_be_hidden()
    page.get_by_label(label("Nom d'usage")).fill("Le Goff")
    page.get_by_label(label("Nom de naissance")).fill("Le Goff")
    page.get_by_label(label("Prénom")).fill("Anne-Marie")
    page.get_by_role("button", name="Étape suivante").click()
    expect(page).to_have_url(re.compile(r"/inscription/contacts/$"))

    fill_contacts(page, "anne-marie.legoff@example.fr")

    street = page.get_by_label(label("Rue"))
    expect(street).to_be_hidden()
    page.get_by_label(label("Mon établissement n'est pas référencé dans la liste")).check()
    expect(street).to_be_visible()
    expect(page.get_by_role("combobox", name=label("Etablissement d'exercice"))).to_be_hidden()
    page.get_by_label(label("Nom de l'établissement")).fill("Cabinet médical des Halles")
    street.fill("12 place Gaston Pailhou")
    page.get_by_label(label("Code postal")).fill("37000")
    page.get_by_label(label("Ville")).fill("TOURS")
    page.get_by_label(label("Département")).select_option(label="37 - Indre-et-Loire")
    expect(page.get_by_label(label("Pays"))).to_have_value("FRANCE")
    page.get_by_label(label("Service d'exercice")).fill("Secrétariat")
    page.get_by_role("button", name="Étape suivante").click()
    skip_interests(page)

    expect(page.get_by_text("Cabinet médical des Halles")).to_be_visible()
    send(page)

    request = RegistrationRequest.objects.get()
    assert request.profession_id == "NS"
    assert request.rpps == ""
    place = request.establishments.get()
    assert (place.not_listed, place.name, place.postal_code) == (
        True,
        "Cabinet médical des Halles",
        "37000",
    )
    assert console_errors == []


def test_rpps_asterisk_follows_the_foreign_diploma_box(page, ready, console_errors):
    accept_conditions(page)
    mark = page.locator('label[for="id_rpps"] .required-mark')
    page.get_by_label(label("Profession")).select_option(label="Médecin")
    expect(mark).to_be_visible()
    page.get_by_label("Diplôme étranger").check()
    expect(mark).to_be_hidden()
    page.get_by_label("Diplôme étranger").uncheck()
    expect(mark).to_be_visible()
    page.get_by_label(label("Profession")).select_option(
        label="Profession non de santé (secrétariat, coordination, administration)"
    )
    expect(mark).to_be_hidden()
    assert console_errors == []


def test_pro_sante_connect_identity_locked_in_the_browser(
    page, ready, console_errors, settings, live_server
):
    """Chromium does not send disabled fields: the session's PSC values are used."""
    from importlib import import_module

    from kiosque.registration import psc_prefill
    from kiosque.registration.tests.test_psc import psc_identity

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[psc_prefill.SESSION_KEY] = psc_identity()
    session.create()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/inscription/?psc=1")
    expect(page.get_by_text("Aucun compte ne correspond encore")).to_be_visible()
    page.get_by_label("J'accepte les conditions générales d'utilisation").check()
    page.get_by_role("button", name="Étape suivante").click()
    rpps = page.get_by_label(label("N° RPPS"))
    expect(rpps).to_be_disabled()
    expect(rpps).to_have_value("10000000009")
    expect(page.get_by_label(label("Nom d'usage"))).to_be_disabled()
    expect(page.get_by_label(label("Profession"))).to_be_disabled()
    page.get_by_label(label("Nom de naissance")).fill("PETIT")
    page.get_by_role("button", name="Étape suivante").click()
    fill_contacts(page, "nathalie.petit@example.fr")
    expect(page.locator("#etablissement-1 [data-details]")).to_contain_text("280503848")
    page.get_by_label(label("Service d'exercice")).fill("Oncologie")
    page.get_by_role("button", name="Étape suivante").click()
    skip_interests(page)
    send(page)

    request = RegistrationRequest.objects.get()
    assert (request.rpps, request.last_name, request.rpps_verified) == (
        "10000000009",
        "DUPONT",
        True,
    )
    assert request.establishments.get().finess == "280503848"
    assert console_errors == []


def test_the_captcha_widget_passes_axe_and_works_after_an_error(
    page, ready, console_errors, settings
):
    """The summary with the ALTCHA widget, before and after a refused solution: axe finds
    nothing, and a fresh proof of work lets the request through."""
    from axe_playwright_python.sync_playwright import Axe

    from kiosque.registration.tests.conftest import STEP_DATA, STEP_URLS

    for step in ("conditions", "identity", "contacts", "establishment", "interests"):
        response = page.request.post(STEP_URLS[step], form=_with_csrf(page, step, STEP_DATA))
        assert response.ok
    page.goto(STEP_URLS["summary"])
    wait_for_captcha(page)
    axe = Axe()
    violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
    assert violations == [], violations

    # A solution tampered with in the page is refused; the page solves a new challenge.
    page.locator('input[name="captcha"]').evaluate("input => { input.value = 'e30='; }")
    page.evaluate("document.querySelector('altcha-widget').remove()")
    page.evaluate(
        "document.querySelector('form.registration-form').insertAdjacentHTML('beforeend', "
        '\'<input type="hidden" name="captcha" value="e30=">\')'
    )
    page.get_by_role("button", name="DEMANDER MON INSCRIPTION").click()
    expect(page.get_by_text("La vérification anti-robot a échoué.").first).to_be_visible()
    violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
    assert violations == [], violations
    send(page)
    assert RegistrationRequest.objects.count() == 1
    assert console_errors == []


def _with_csrf(page, step, data):
    from kiosque.registration.tests.conftest import STEP_URLS

    page.goto(STEP_URLS[step])
    token = page.locator('input[name="csrfmiddlewaretoken"]').first.input_value()
    return {**data[step], "csrfmiddlewaretoken": token}
