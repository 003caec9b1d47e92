"""scripts/security-audit.sh says plainly when pip-audit checked nothing (it exits 0 with "No
known vulnerabilities found" when its advisory database is out of reach), with fake bandit and
pip-audit programs in a fake virtual environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
UNREACHABLE = "Dependency not found on PyPI and could not be audited"


def skipped(name, version="1.0"):
    return {"name": name, "skip_reason": f"{UNREACHABLE}: {name} ({version})"}


def audited(name, *vulns):
    return {"name": name, "version": "1.0", "vulns": [{"id": v} for v in vulns]}


@pytest.fixture
def fake_venv(tmp_path):
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    (bin_dir / "bandit").write_text("#!/bin/sh\nexit 0\n")
    # pip-audit as it behaves offline: a report (when given one) and exit 0
    (bin_dir / "pip-audit").write_text(
        "#!/bin/sh\n"
        'while [ $# -gt 0 ]; do [ "$1" = "-o" ] && out="$2"; shift; done\n'
        '[ -n "$FAKE_REPORT" ] && cat "$FAKE_REPORT" > "$out"\n'
        'exit "${FAKE_STATUS:-0}"\n'
    )
    for program in ("bandit", "pip-audit"):
        (bin_dir / program).chmod(0o755)
    return tmp_path / "venv"


def run_audit(fake_venv, tmp_path, report, **environment):
    env = {"PATH": os.environ["PATH"], "VENV": str(fake_venv), **environment}
    if report is not None:
        (tmp_path / "report.json").write_text(json.dumps(report))
        env["FAKE_REPORT"] = str(tmp_path / "report.json")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "security-audit.sh")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr


def test_every_package_skipped_fails_and_says_nothing_was_checked(fake_venv, tmp_path):
    report = {"dependencies": [skipped("django"), skipped("gunicorn")], "fixes": []}
    status, output = run_audit(fake_venv, tmp_path, report)
    assert status == 3
    assert "pip-audit CHECKED NOTHING: 0 of 2 packages audited" in output
    assert UNREACHABLE in output


def test_no_report_at_all_counts_as_nothing_checked(fake_venv, tmp_path):
    status, output = run_audit(fake_venv, tmp_path, None, FAKE_STATUS="1")
    assert status == 3
    assert "CHECKED NOTHING: 0 of 0 packages" in output


def test_an_accepted_unchecked_run_passes_but_still_warns(fake_venv, tmp_path):
    report = {"dependencies": [skipped("django")]}
    status, output = run_audit(fake_venv, tmp_path, report, KIOSQUE_AUDIT_ALLOW_UNCHECKED="1")
    assert status == 0
    assert "WARNING: pip-audit CHECKED NOTHING" in output
    assert "bandit only" in output


def test_an_audit_names_what_it_could_not_check(fake_venv, tmp_path):
    report = {"dependencies": [audited("django"), audited("gunicorn"), skipped("private-lib")]}
    status, output = run_audit(fake_venv, tmp_path, report)
    assert status == 0
    assert "pip-audit: 2 of 3 packages audited, no known vulnerability." in output
    assert "private-lib" in output


def test_a_known_vulnerability_fails_and_is_listed(fake_venv, tmp_path):
    report = {"dependencies": [audited("django", "PYSEC-2026-1"), skipped("other")]}
    status, output = run_audit(fake_venv, tmp_path, report, FAKE_STATUS="1")
    assert status == 1
    assert "django 1.0: PYSEC-2026-1" in output
