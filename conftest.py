"""Suite-wide rules: no skipped test is tolerated when KIOSQUE_FAIL_ON_SKIP=1 (CI)."""

import os

import pytest

pytest_plugins = ["kiosque.testing.smtp", "kiosque.testing.browser"]


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or os.environ.get("KIOSQUE_FAIL_ON_SKIP") != "1":
        return
    skipped = len(reporter.stats.get("skipped", []))
    if skipped:
        reporter.write_line(f"FAILED: {skipped} test(s) skipped; CI tolerates none.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
