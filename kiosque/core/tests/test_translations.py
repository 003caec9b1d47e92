"""Every French sentence of the UI has its English translation (nothing missing, nothing fuzzy).

Runs `makemessages` into a copy of the catalogue, so a string added to the code or templates
without a translation fails here rather than showing in French on the English site."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KIOSQUE = Path(__file__).resolve().parents[2]
CATALOGUE = KIOSQUE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def untranslated(po: str) -> list[str]:
    problems = []
    for entry in po.split("\n\n")[1:]:  # the first entry is the header
        msgid = " ".join(re.findall(r'^msgid "(.*)"$|^"(.*)"$', entry, re.M)[0])
        if "#, fuzzy" in entry:
            problems.append(f"fuzzy: {entry[-200:]}")
        elif re.search(r'^msgstr ""$(?![\n]")', entry, re.M) and "msgstr[" not in entry:
            problems.append(f"missing: {msgid or entry[-200:]}")
    return problems


@pytest.mark.slow
def test_every_ui_string_has_an_english_translation(tmp_path):
    copy = tmp_path / "kiosque"
    shutil.copytree(KIOSQUE, copy, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "kiosque.settings",
             "PYTHONPATH": str(KIOSQUE.parent), "KIOSQUE_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    po = (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    assert untranslated(po) == []
