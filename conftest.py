"""Suite-wide rules: no skipped test is tolerated when KIOSQUE_FAIL_ON_SKIP=1 (CI)."""

import os

import pytest

pytest_plugins = ["kiosque.testing.smtp", "kiosque.testing.browser", "kiosque.testing.clock"]


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or os.environ.get("KIOSQUE_FAIL_ON_SKIP") != "1":
        return
    skipped = len(reporter.stats.get("skipped", []))
    if skipped:
        reporter.write_line(f"FAILED: {skipped} test(s) skipped; CI tolerates none.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Cache-backed rate limits and memos start empty in every test, as they would on a
    fresh server: counts left by an earlier test must not refuse a later one."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
