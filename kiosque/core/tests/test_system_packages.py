"""The README's promise: its one `apt-get install` line lists every Debian package the two
commands need, and CI (.ci/run) installs that same list (scripts/system-packages.txt)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LIST = ROOT / "scripts" / "system-packages.txt"


def listed_packages() -> list[str]:
    lines = (line.split("#", 1)[0].split() for line in LIST.read_text().splitlines())
    return [words[0] for words in lines if words]


def readme_install_lines() -> list[list[str]]:
    return [
        match.group(1).split()
        for match in re.finditer(r"^(?:sudo )?apt-get install ([^\n]+)$", _readme(), re.M)
    ]


def _readme() -> str:
    return (ROOT / "README.md").read_text()


def test_the_readme_quotes_the_list_in_one_install_line():
    assert readme_install_lines() == [listed_packages()]
    assert "scripts/system-packages.txt" in _readme()


def test_ci_installs_the_list_and_nothing_else():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/system-packages.txt" in ci
    installs = re.findall(r"apt-get install[^\n]*", ci)
    assert installs == ['apt-get install -y -qq "${need[@]}" >/dev/null']


def test_what_the_suite_runs_is_on_the_list():
    """Chromium (browser tests), msgfmt, npm (`npm ci` in a conftest),
    PostgreSQL's server binaries and redis-server (kiosque/testing/cluster.py)."""
    packages = set(listed_packages())
    assert {"chromium", "gettext", "npm", "postgresql", "redis-server"} <= packages
