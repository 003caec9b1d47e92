"""Keyboard only (Tab, Shift+Tab, Enter, Space, and typing): the registration's first steps and
the sign-in. On every page each control is reachable with Tab, the focused element shows a
visible indicator (outline or box-shadow, computed), and Tab goes round the page and out of it
(no trap); Shift+Tab goes back."""

import re

import pytest
from playwright.sync_api import expect

from tests.journey.checks import focused
from tests.journey.flows import CODE_HEADING
from tests.journey.mailbox import mail_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# How an element is named in these tests: its id, else a link's or button's text, else its name.
IDENT = """el => el.id
  || (['A', 'BUTTON'].includes(el.tagName) ? el.textContent.trim() : el.name)"""
CONTROLS = f"""() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea')]
  .filter(el => !el.disabled && el.offsetParent !== null && el.tabIndex >= 0)
  .map({IDENT})"""
IDENTITY = f"({IDENT})(document.activeElement)"
# Put the sequential focus starting point at the top of the page (as after a page load).
FROM_THE_TOP = """() => { const start = document.createElement('span'); start.tabIndex = -1;
  document.body.prepend(start); start.focus(); start.remove(); }"""


def tab_round(page, limit: int = 150) -> list[str]:
    """Tab from the top of the page until focus leaves it; returns what took focus."""
    page.evaluate(FROM_THE_TOP)
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None:  # focus went back to the browser: the round is complete
            return seen
        assert state["outline"] or state["shadow"], f"{page.url}: no visible focus on {state}"
        seen.append(page.evaluate(IDENTITY))
        if len(seen) > 3 and seen[-1] == seen[0]:
            return seen[:-1]  # wrapped round
    raise AssertionError(f"{page.url}: focus trapped after {limit} Tab presses: {seen[-10:]}")


def check_keyboard(page) -> None:
    reached = tab_round(page)
    missing = [name for name in page.evaluate(CONTROLS) if name not in reached]
    assert missing == [], f"{page.url}: not reachable with Tab: {missing}"
    # Shift+Tab walks back through the same order
    tab_to(page, reached[2])
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(IDENTITY) == reached[1]


def tab_to(page, identity: str, limit: int = 150) -> None:
    if page.evaluate(IDENTITY) == identity:
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(IDENTITY) == identity:
            return
    raise AssertionError(f"{page.url}: {identity!r} not reached with Tab")


def test_registration_first_steps_with_the_keyboard(page, check):
    page.goto("/")
    check_keyboard(page)
    tab_to(page, "Créer un compte")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/inscription/$"))
    check_keyboard(page)
    tab_to(page, "id_accept")
    page.keyboard.press("Space")
    expect(page.get_by_label("J'accepte les conditions générales d'utilisation")).to_be_checked()
    tab_to(page, "Étape suivante")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/inscription/identite/$"))
    check_keyboard(page)
    tab_to(page, "id_profession")
    page.keyboard.type("Profession non")  # type-ahead in the list
    tab_to(page, "id_last_name")
    page.keyboard.type("Le Goff")
    page.keyboard.press("Tab")
    page.keyboard.type("Le Goff")
    page.keyboard.press("Tab")
    page.keyboard.type("Anne-Marie")
    tab_to(page, "Étape suivante")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/inscription/contacts/$"))
    check_keyboard(page)
    tab_to(page, "Étape suivante")
    page.keyboard.press("Enter")  # nothing filled in: the errors, still all reachable
    expect(page).to_have_title(re.compile(r"^Erreur"))
    check_keyboard(page)


def test_sign_in_with_the_keyboard(page, stack, mailbox):
    page.goto("/connexion/")
    check_keyboard(page)
    tab_to(page, "id_username")
    page.keyboard.type("referent.dcc")
    page.keyboard.press("Tab")
    page.keyboard.type(stack.staff_passwords["referent.dcc"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=CODE_HEADING)).to_be_visible()
    check_keyboard(page)
    message = None
    for _ in range(30):  # a new code is refused within 60 s of the previous one
        if message is not None:
            break
        try:
            message = mailbox.wait("referent.dcc@kiosque.localhost", "Code d'authentification", 5)
        except AssertionError:
            tab_to(page, "Renvoyer un code")
            page.keyboard.press("Enter")
    tab_to(page, "id_code")
    page.keyboard.type(mail_code(message))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
    check_keyboard(page)
    tab_to(page, "Déconnexion")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Veuillez vous authentifier")).to_be_visible()
