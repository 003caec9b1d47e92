"""Import of the public Annuaire Santé extraction `PS_LibreAcces_Personne_activite`.

`|`-separated, one header line naming the columns (the real file ends every line with a
`|`), one row per professional and activity, UTF-8 or Windows-1252 (detected). Streaming with
batched upserts; re-importing replaces each professional's activities. Columns are found by
their header names, so a column added by a new version of the extraction does no harm.
"""

import hashlib
import os
import time
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from kiosque.directory.imports.common import (
    ImportFileError,
    ImportReport,
    Progress,
    clean,
    iter_lines,
    open_source,
    tune_connection_for_bulk_writes,
)
from kiosque.directory.models import AnnuaireActivity, AnnuairePerson
from kiosque.directory.validators import validate_rpps

BATCH_ROWS = 5000
RPPS_ID_TYPE = "8"
SPECIALTY_KIND = "S"  # "Code type savoir-faire" S: Spécialité ordinale

COLUMNS = [
    "Type d'identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Code civilité d'exercice",
    "Libellé civilité d'exercice",
    "Code civilité",
    "Libellé civilité",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
    "Libellé profession",
    "Code catégorie professionnelle",
    "Libellé catégorie professionnelle",
    "Code type savoir-faire",
    "Libellé type savoir-faire",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Code mode exercice",
    "Libellé mode exercice",
    "Numéro SIRET site",
    "Numéro SIREN site",
    "Numéro FINESS site",
    "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure",
    "Raison sociale site",
    "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)",
    "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)",
    "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)",
    "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)",
    "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)",
    "Code commune (coord. structure)",
    "Libellé commune (coord. structure)",
    "Code pays (coord. structure)",
    "Libellé pays (coord. structure)",
    "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)",
    "Code Département (structure)",
    "Libellé Département (structure)",
    "Ancien identifiant de la structure",
    "Autorité d'enregistrement",
    "Code secteur d'activité",
    "Libellé secteur d'activité",
    "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens",
    "Code rôle",
    "Libellé rôle",
    "Code genre activité",
    "Libellé genre activité",
]
REQUIRED = (
    "Type d'identifiant PP",
    "Identifiant PP",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
)


def _field(row: dict[str, str], name: str, length: int) -> str:
    return row.get(name, "")[:length]


def _city(row: dict[str, str]) -> tuple[str, str]:
    postal_code = _field(row, "Code postal (coord. structure)", 10)
    city = row.get("Libellé commune (coord. structure)", "")
    if not city:
        # "Bureau cedex" reads "37044 TOURS CEDEX 9" when the commune is not given.
        office = row.get("Bureau cedex (coord. structure)", "")
        head, _sep, rest = office.partition(" ")
        city = rest if head.isdigit() else office
        postal_code = postal_code or (head if head.isdigit() else "")
    return postal_code[:10], city[:80]


def activity_key(row: dict[str, str]) -> str:
    parts = (
        "Code mode exercice",
        "Numéro SIRET site",
        "Numéro FINESS site",
        "Numéro FINESS établissement juridique",
        "Identifiant technique de la structure",
        "Raison sociale site",
        "Code postal (coord. structure)",
        "Code rôle",
    )
    text = "\x1f".join(row.get(name, "") for name in parts)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class AnnuaireImporter:
    def __init__(self, report: ImportReport, run: str):
        self.report = report
        self.run = run
        self.header: list[str] = []
        self.persons: dict[str, AnnuairePerson] = {}
        self.activities: dict[tuple[str, str], AnnuaireActivity] = {}
        self.rows = 0

    def read_header(self, text: str | None) -> None:
        columns = [clean(name) for name in (text or "").split("|")]
        missing = [name for name in REQUIRED if name not in columns]
        if text is None or missing:
            raise ImportFileError(
                "La première ligne n'est pas l'en-tête attendu de l'extraction "
                "PS_LibreAcces_Personne_activite (colonnes séparées par « | » : "
                "« Type d'identifiant PP|Identifiant PP|... »). "
                f"Colonnes absentes : {', '.join(missing)}."
            )
        self.header = columns

    def handle(self, number: int, text: str | None) -> None:
        if text is None:
            self.report.reject(number, f"ligne illisible en {self.report.encoding}")
            return
        if not text.strip():
            return
        if "\x00" in text:
            self.report.reject(number, "caractère nul dans la ligne")
            return
        values = text.split("|")
        if len(values) != len(self.header):
            self.report.reject(number, f"{len(values)} colonnes au lieu de {len(self.header)}")
            return
        row = {name: clean(value) for name, value in zip(self.header, values, strict=True)}
        try:
            person = self._person(row)
        except ValidationError as error:
            self.report.reject(number, " ".join(str(message) for message in error.messages))
            return
        known = self.persons.get(person.national_id)
        if known is not None and not person.specialty_code:
            person.specialty_code, person.specialty_label = (
                known.specialty_code,
                known.specialty_label,
            )
        self.persons[person.national_id] = person
        activity = self._activity(row, person)
        self.activities[(person.national_id, activity.key)] = activity
        self.rows += 1
        if self.rows >= BATCH_ROWS:
            self.flush()

    def _person(self, row: dict[str, str]) -> AnnuairePerson:
        id_type, identifier = row["Type d'identifiant PP"], row["Identifiant PP"]
        if not identifier or not id_type.isdigit():
            raise ValidationError("identifiant PP ou type d'identifiant absent", code="pp_missing")
        if id_type == RPPS_ID_TYPE:
            validate_rpps(identifier)
        national_id = row.get("Identification nationale PP") or id_type + identifier
        specialty = row.get("Code type savoir-faire") == SPECIALTY_KIND
        return AnnuairePerson(
            national_id=national_id[:20],
            id_type=id_type[:2],
            identifier=identifier[:20],
            civility_code=_field(row, "Code civilité", 8),
            title_code=_field(row, "Code civilité d'exercice", 8),
            last_name=_field(row, "Nom d'exercice", 120),
            first_name=_field(row, "Prénom d'exercice", 120),
            profession_code=_field(row, "Code profession", 4),
            profession_label=_field(row, "Libellé profession", 120),
            specialty_code=_field(row, "Code savoir-faire", 8) if specialty else "",
            specialty_label=_field(row, "Libellé savoir-faire", 200) if specialty else "",
            import_run=self.run,
        )

    def _activity(self, row: dict[str, str], person: AnnuairePerson) -> AnnuaireActivity:
        postal_code, city = _city(row)
        return AnnuaireActivity(
            person_id=person.national_id,
            key=activity_key(row),
            mode_code=_field(row, "Code mode exercice", 4),
            mode_label=_field(row, "Libellé mode exercice", 80),
            siret=_field(row, "Numéro SIRET site", 14),
            finess_site=_field(row, "Numéro FINESS site", 9),
            finess_ej=_field(row, "Numéro FINESS établissement juridique", 9),
            site_name=(row.get("Raison sociale site") or row.get("Enseigne commerciale site", ""))[
                :200
            ],
            postal_code=postal_code,
            city=city,
            phone=_field(row, "Téléphone (coord. structure)", 30),
            email=_field(row, "Adresse e-mail (coord. structure)", 254),
            import_run=self.run,
        )

    @transaction.atomic
    def flush(self) -> None:
        if not self.persons:
            return
        persons, self.persons = list(self.persons.values()), {}
        activities, self.activities = list(self.activities.values()), {}
        self.rows = 0
        ids = [person.national_id for person in persons]
        existing = set(AnnuairePerson.objects.filter(pk__in=ids).values_list("pk", flat=True))
        AnnuairePerson.objects.bulk_create(
            persons,
            update_conflicts=True,
            unique_fields=["national_id"],
            update_fields=[
                f.name for f in AnnuairePerson._meta.concrete_fields if not f.primary_key
            ],
        )
        # Activities from an earlier import are replaced; those already written by this run
        # (a professional whose rows are not contiguous) are kept.
        AnnuaireActivity.objects.filter(person_id__in=ids).exclude(import_run=self.run).delete()
        AnnuaireActivity.objects.bulk_create(activities, ignore_conflicts=True)
        self.report.created += len(persons) - len(existing)
        self.report.updated += len(existing)
        self.report.activities += len(activities)


def import_annuaire(
    path: str | os.PathLike, progress: Progress | None = None, prune: bool = False
) -> ImportReport:
    """Import (or re-import) an Annuaire Santé extraction; `prune` then removes the
    professionals absent from this (complete) file."""
    started = time.monotonic()
    stream, encoding, size = open_source(path, "cp1252")
    report = ImportReport(encoding=encoding)
    tune_connection_for_bulk_writes()
    importer = AnnuaireImporter(report, run=uuid.uuid4().hex)
    with stream:
        for number, text in iter_lines(stream, encoding, size, progress):
            report.lines = number
            if number == 1:
                importer.read_header(text)
            else:
                importer.handle(number, text)
    importer.flush()
    if prune:
        AnnuairePerson.objects.exclude(import_run=importer.run).delete()
    report.seconds = time.monotonic() - started
    return report
