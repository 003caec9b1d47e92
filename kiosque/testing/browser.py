"""Playwright fixtures driving Debian's Chromium (never a downloaded browser).

    @pytest.mark.browser
    def test_page(page):            # a fresh browser context, base URL = live_server.url
        page.goto("/inscription/")

`browser` is one Chromium for the session; `page` opens a new context (cookies, storage) per
test. Playwright's sync API keeps an event loop in the main thread, which makes Django refuse
ORM calls ("async context"); the fixtures allow them for the tests that use a browser.
"""

import os

import pytest

CHROMIUM = os.environ.get("KIOSQUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_driver):
    chromium = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
