"""The test command never modifies tracked files: the journey's screenshots go to
var/screenshots/; only `make screenshots` (KIOSQUE_DOCS_SCREENSHOTS=1) refreshes docs/."""

import pytest

from tests.journey.checks import (
    DOCS_SCREENSHOTS,
    TEST_SCREENSHOTS,
    save_screenshots,
    screenshot_dir,
)

pytestmark = pytest.mark.browser

PROBE = "test-screenshots-probe"


def _docs_state() -> dict:
    return {path.name: path.stat().st_mtime_ns for path in DOCS_SCREENSHOTS.iterdir()}


@pytest.fixture
def blank_page(browser):
    context = browser.new_context()
    tab = context.new_page()
    tab.set_content("<!doctype html><html lang='fr'><title>Sonde</title><h1>Sonde</h1></html>")
    yield tab
    context.close()


def test_screenshots_in_test_mode_write_nothing_under_docs(blank_page, monkeypatch):
    monkeypatch.delenv("KIOSQUE_DOCS_SCREENSHOTS", raising=False)
    before = _docs_state()
    try:
        save_screenshots(blank_page, PROBE)
        assert _docs_state() == before
        assert (TEST_SCREENSHOTS / f"{PROBE}-desktop.png").stat().st_size > 0
        assert (TEST_SCREENSHOTS / f"{PROBE}-mobile.png").stat().st_size > 0
    finally:
        for path in [*TEST_SCREENSHOTS.glob(f"{PROBE}-*"), *DOCS_SCREENSHOTS.glob(f"{PROBE}-*")]:
            path.unlink()


def test_only_the_explicit_command_targets_docs(monkeypatch):
    monkeypatch.delenv("KIOSQUE_DOCS_SCREENSHOTS", raising=False)
    assert screenshot_dir() == TEST_SCREENSHOTS
    monkeypatch.setenv("KIOSQUE_DOCS_SCREENSHOTS", "1")
    assert screenshot_dir() == DOCS_SCREENSHOTS
