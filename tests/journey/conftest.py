"""One real stack for the journey's tests (see stack.py), and a Chromium page on it."""

import pytest

from tests.journey.checks import DESKTOP, PageChecker
from tests.journey.mailbox import Mailbox
from tests.journey.stack import kiosque_stack

TIMEOUT_MS = 20_000


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    with kiosque_stack(tmp_path_factory.mktemp("journey")) as running:
        yield running


@pytest.fixture
def mailbox(stack):
    box = Mailbox(stack.smtp)
    box.mark()
    return box


@pytest.fixture(scope="package")
def check():
    return PageChecker()


def _console_error(message, errors) -> None:
    # Chromium asks for /favicon.ico by itself, whatever the page's <link rel="icon"> says.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        errors.append(f"{message.text} ({message.location.get('url')})")


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(base_url=stack.base, locale="fr-FR", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors = []
    tab.on("console", lambda message: _console_error(message, errors))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "response",
        lambda response: response.status == 404 and errors.append(f"404 {response.url}"),
    )
    tab.console_errors = errors
    yield tab
    # What the browser showed last, for whoever reads a failure (see the serve.log beside it).
    (stack.logs / "last-page.html").write_text(tab.content())
    context.close()
