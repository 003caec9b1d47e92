"""French by default; English through the browser's language or the footer's language switch."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_footer_switch_to_english_and_back(page):
    page.goto("/connexion/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Langue").select_option(label="English")
    page.get_by_role("button", name="Changer de langue").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()
    expect(page).to_have_title("Please sign in — Kiosque")
    page.get_by_label("Language").select_option(label="Français")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", name="Veuillez vous authentifier")).to_be_visible()


def test_browser_language_english(browser, stack):
    context = browser.new_context(base_url=stack.base, locale="en-GB")
    try:
        tab = context.new_page()
        tab.goto("/")
        expect(tab.locator("html")).to_have_attribute("lang", "en")
        expect(tab.get_by_role("link", name="Create an account").first).to_be_visible()
    finally:
        context.close()
