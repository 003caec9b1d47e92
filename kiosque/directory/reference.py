"""Loads the shipped reference tables (kiosque/directory/data/*.csv) into the database.

Used by the data migration (with historical models) and callable again after a data file
changes (`load_reference_data()`), idempotently.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of a shipped CSV file; lines starting with "#" are comments."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines)


def _flag(value: str) -> bool:
    return value.strip() in ("1", "true", "True", "oui")


def load_reference_data(apps=None) -> dict[str, int]:
    """Create or update every reference row; returns the number of rows per table."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    model = lambda name: apps.get_model("directory", name)  # noqa: E731
    counts = {}

    Profession = model("Profession")
    for row in read_rows("professions.csv"):
        Profession.objects.update_or_create(
            code=row["code"],
            defaults={
                "label": row["label"],
                "is_health": _flag(row["is_health"]),
                "has_rpps": _flag(row["has_rpps"]),
                "requires_specialty": _flag(row["requires_specialty"]),
                "position": int(row["position"]),
            },
        )
    counts["professions"] = Profession.objects.count()

    Specialty = model("Specialty")
    for row in read_rows("specialties.csv"):
        Specialty.objects.update_or_create(
            code=row["code"],
            defaults={"label": row["label"], "profession_id": row["profession"] or None},
        )
    counts["specialties"] = Specialty.objects.count()

    for name, filename, field in (
        ("Civility", "civilities.csv", "label"),
        ("Title", "titles.csv", "label"),
        ("Departement", "departements.csv", "name"),
    ):
        Model = model(name)
        for row in read_rows(filename):
            Model.objects.update_or_create(code=row["code"], defaults={field: row[field]})
        counts[name.lower()] = Model.objects.count()
    return counts
