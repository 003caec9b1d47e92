"""The DCC has one name, "Dossier Communicant de Cancérologie": in the code, templates,
catalogue, documentation, and in the catalogue a database already holds."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

from kiosque.portal import demo
from kiosque.portal.models import Application, RequestField

ROOT = Path(__file__).resolve().parents[3]
RIGHT = "Dossier Communicant de Cancérologie"
# Built from parts so that this file does not hold the spellings it looks for.
WRONG = re.compile(
    "|".join(
        (
            "Dossier Communi" + r"quant\b",
            "Dossier Communicant " + "en Cancérologie",
            "Dossier Communicant " + "Cancérologie",
            "conditions d'utilisation" + "s",
        )
    ),
    re.IGNORECASE,
)
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".po", ".js", ".css", ".svg", ".toml", ".json"}
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "migrations", "__pycache__"}

migration = importlib.import_module("kiosque.portal.migrations.0004_dcc_name")


def tracked_text_files():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts) or path.suffix not in TEXT_SUFFIXES:
            continue
        if path.is_file():
            yield relative, path.read_text(encoding="utf-8", errors="replace")


def test_no_file_spells_the_name_another_way():
    found = [
        f"{relative}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for relative, text in tracked_text_files()
        for match in WRONG.finditer(text)
    ]
    assert found == []


def test_the_scan_reads_the_readme_and_the_catalogue():
    scanned = dict(tracked_text_files())
    assert RIGHT in scanned[Path("README.md")]
    assert RIGHT in scanned[Path("kiosque/portal/demo.py")]


@pytest.mark.django_db
def test_the_demo_catalogue_names_the_dcc_one_way():
    demo.load_catalogue()
    dcc = Application.objects.get(slug="dcc")
    texts = [dcc.long_name, dcc.description, dcc.request_title, dcc.request_note, dcc.terms_note]
    texts += [field.label for field in dcc.request_fields.all()]
    assert [text for text in texts if WRONG.search(text)] == []
    assert dcc.request_title == f"Inscription au {RIGHT}"


@pytest.mark.django_db
def test_the_migration_corrects_a_catalogue_already_stored():
    dcc = Application.objects.create(
        slug="dcc",
        name="DCC",
        long_name=RIGHT,
        request_title="Inscription au Dossier Communi" + "quant Cancérologie",
        terms_note="Vous acceptez les conditions d'utilisation" + "s de la plateforme.",
    )
    field = RequestField.objects.create(
        application=dcc,
        key="confirmation",
        label="Confirmez-vous votre inscription au Dossier Communicant " + "en Cancérologie ?",
    )
    migration.correct_stored_texts(apps, None)
    dcc.refresh_from_db()
    field.refresh_from_db()
    assert dcc.request_title == f"Inscription au {RIGHT}"
    assert dcc.terms_note == "Vous acceptez les conditions d'utilisation de la plateforme."
    assert field.label == f"Confirmez-vous votre inscription au {RIGHT} ?"
