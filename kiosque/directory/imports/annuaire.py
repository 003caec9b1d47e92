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
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction

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


PERSON_COLUMNS = (
    "national_id", "id_type", "identifier", "civility_code", "title_code", "last_name",
    "first_name", "profession_code", "profession_label", "specialty_code", "specialty_label",
)  # fmt: skip
ACTIVITY_COLUMNS = (
    "person_id", "key", "mode_code", "mode_label", "siret", "finess_site", "finess_ej",
    "site_name", "postal_code", "city", "phone", "email",
)  # fmt: skip
KEY_PARTS = (
    "Code mode exercice",
    "Numéro SIRET site",
    "Numéro FINESS site",
    "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure",
    "Raison sociale site",
    "Code postal (coord. structure)",
    "Code rôle",
)
_sha1 = hashlib.sha1


def activity_key(row: dict[str, str]) -> str:
    text = "\x1f".join(row.get(name, "") for name in KEY_PARTS)
    return _sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class RowParser:
    """Turns the fields of one line into (person tuple, activity tuple), in the order of
    PERSON_COLUMNS and ACTIVITY_COLUMNS. Only the columns used are cleaned (the line was
    refused earlier if it held a NUL character, so strip() is enough)."""

    def __init__(self, header: list[str]):
        positions = {name: index for index, name in enumerate(header)}
        # A column absent from the header reads as "" (index of an always-empty slot).
        self.width = len(header)
        self.empty = len(header)
        self.at = {name: positions.get(name, self.empty) for name in COLUMNS}
        self.key_at = [self.at[name] for name in KEY_PARTS]

    def __call__(self, values: list[str]) -> tuple[tuple, tuple]:
        values.append("")  # the always-empty slot
        at = self.at
        id_type = values[at["Type d'identifiant PP"]].strip()
        identifier = values[at["Identifiant PP"]].strip()
        if not identifier or not id_type.isdigit():
            raise ValidationError("identifiant PP ou type d'identifiant absent", code="pp_missing")
        if id_type == RPPS_ID_TYPE:
            validate_rpps(identifier)
        national_id = values[at["Identification nationale PP"]].strip() or id_type + identifier
        if values[at["Code type savoir-faire"]].strip() == SPECIALTY_KIND:
            specialty_code = values[at["Code savoir-faire"]].strip()[:8]
            specialty_label = values[at["Libellé savoir-faire"]].strip()[:200]
        else:
            specialty_code = specialty_label = ""
        national_id = national_id[:20]
        person = (
            national_id,
            id_type[:2],
            identifier[:20],
            values[at["Code civilité"]].strip()[:8],
            values[at["Code civilité d'exercice"]].strip()[:8],
            values[at["Nom d'exercice"]].strip()[:120],
            values[at["Prénom d'exercice"]].strip()[:120],
            values[at["Code profession"]].strip()[:4],
            values[at["Libellé profession"]].strip()[:120],
            specialty_code,
            specialty_label,
        )
        postal_code = values[at["Code postal (coord. structure)"]].strip()[:10]
        city = values[at["Libellé commune (coord. structure)"]].strip()
        if not city:
            # "Bureau cedex" reads "37044 TOURS CEDEX 9" when the commune is not given.
            office = values[at["Bureau cedex (coord. structure)"]].strip()
            head, _sep, rest = office.partition(" ")
            city = rest if head.isdigit() else office
            postal_code = postal_code or (head if head.isdigit() else "")
        key_text = "\x1f".join([values[index].strip() for index in self.key_at])
        activity = (
            national_id,
            _sha1(key_text.encode("utf-8"), usedforsecurity=False).hexdigest(),
            values[at["Code mode exercice"]].strip()[:4],
            values[at["Libellé mode exercice"]].strip()[:80],
            values[at["Numéro SIRET site"]].strip()[:14],
            values[at["Numéro FINESS site"]].strip()[:9],
            values[at["Numéro FINESS établissement juridique"]].strip()[:9],
            (
                values[at["Raison sociale site"]].strip()
                or values[at["Enseigne commerciale site"]].strip()
            )[:200],
            postal_code[:10],
            city[:80],
            values[at["Téléphone (coord. structure)"]].strip()[:30],
            values[at["Adresse e-mail (coord. structure)"]].strip()[:254],
        )
        return person, activity


class AnnuaireImporter:
    """Reads the lines, rejects the bad ones (with their number) and hands the parsed rows to
    `sink`: StagedWriter on PostgreSQL, BatchWriter elsewhere."""

    def __init__(self, report: ImportReport, sink):
        self.report = report
        self.sink = sink
        self.header: list[str] = []
        self.parse: RowParser | None = None

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
        self.parse = RowParser(columns)

    def handle(self, number: int, text: str | None) -> None:
        if text is None:
            self.report.reject(number, f"ligne illisible en {self.report.encoding}")
            return
        if "\x00" in text:
            self.report.reject(number, "caractère nul dans la ligne")
            return
        values = text.split("|")
        if len(values) != self.parse.width:
            if not text.strip():
                return
            self.report.reject(number, f"{len(values)} colonnes au lieu de {self.parse.width}")
            return
        try:
            person, activity = self.parse(values)
        except ValidationError as error:
            self.report.reject(number, " ".join(str(message) for message in error.messages))
            return
        self.sink.add(number, person, activity)


class BatchWriter:
    """Any database (the SQLite default): batched upserts through the ORM, one transaction
    per batch. Activities from an earlier import are replaced; those already written by this
    run (a professional whose rows are not contiguous) are kept."""

    def __init__(self, report: ImportReport, run: str):
        self.report = report
        self.run = run
        self.persons: dict[str, tuple] = {}
        self.activities: dict[tuple[str, str], tuple] = {}
        self.rows = 0

    def add(self, number: int, person: tuple, activity: tuple) -> None:
        known = self.persons.get(person[0])
        if known is not None and not person[9]:
            person = person[:9] + known[9:11]  # keep the specialty of an earlier row
        self.persons[person[0]] = person
        self.activities[(person[0], activity[1])] = activity
        self.rows += 1
        if self.rows >= BATCH_ROWS:
            self.flush()

    @transaction.atomic
    def flush(self) -> None:
        if not self.persons:
            return
        persons = [
            AnnuairePerson(**dict(zip(PERSON_COLUMNS, row, strict=True)), import_run=self.run)
            for row in self.persons.values()
        ]
        activities = [
            AnnuaireActivity(**dict(zip(ACTIVITY_COLUMNS, row, strict=True)), import_run=self.run)
            for row in self.activities.values()
        ]
        self.persons, self.activities, self.rows = {}, {}, 0
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
        AnnuaireActivity.objects.filter(person_id__in=ids).exclude(import_run=self.run).delete()
        AnnuaireActivity.objects.bulk_create(activities, ignore_conflicts=True)
        self.report.created += len(persons) - len(existing)
        self.report.updated += len(existing)
        self.report.activities += len(activities)

    def finish(self, prune: bool) -> None:
        self.flush()
        if prune:
            AnnuairePerson.objects.exclude(import_run=self.run).delete()


class StagedWriter:
    """PostgreSQL: every parsed row is streamed by one COPY into a temporary table (no WAL,
    nothing kept in Python), then a few set-based statements apply the whole file in one
    transaction:

    - professionals: the last row of each wins, with the specialty of its last row that has
      one; INSERT ... ON CONFLICT DO UPDATE, a row left alone when nothing changed;
    - activities: the last row of each (professional, key) wins; upserted the same way;
    - the activities of the professionals in the file that the file no longer lists are
      deleted (and with `prune`, the professionals absent from the file).

    `import_run` is the run that last changed a row: re-importing the same file changes
    nothing and writes (almost) nothing."""

    STAGE = "annuaire_stage"

    def __init__(self, report: ImportReport, run: str):
        self.report = report
        self.run = run
        self.copy = None

    def _definition(self) -> str:
        columns = ["line integer"]
        for column in PERSON_COLUMNS:
            columns.append(f"{column} {AnnuairePerson._meta.get_field(column).db_type(connection)}")
        for column in ACTIVITY_COLUMNS[1:]:
            columns.append(
                f"{column} {AnnuaireActivity._meta.get_field(column).db_type(connection)}"
            )
        return ", ".join(columns)

    @contextmanager
    def streaming(self):
        """Open the COPY stream (inside the import's transaction) for the loop over lines."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
            cursor.execute(f"CREATE TEMP TABLE {self.STAGE} ({self._definition()}) ON COMMIT DROP")
            columns = ", ".join(("line", *PERSON_COLUMNS, *ACTIVITY_COLUMNS[1:]))
            with cursor.cursor.copy(f"COPY {self.STAGE} ({columns}) FROM STDIN") as copy:
                self.copy = copy
                yield
            self.copy = None

    def add(self, number: int, person: tuple, activity: tuple) -> None:
        self.copy.write_row((number, *person, *activity[1:]))

    def finish(self, prune: bool) -> None:
        persons = connection.ops.quote_name(AnnuairePerson._meta.db_table)
        activities = connection.ops.quote_name(AnnuaireActivity._meta.db_table)
        stage = self.STAGE
        person_fields = ", ".join(PERSON_COLUMNS)
        plain = [column for column in PERSON_COLUMNS if not column.startswith("specialty_")]
        activity_fields = ", ".join(ACTIVITY_COLUMNS[1:])

        def changes(table: str, columns) -> tuple[str, str]:
            assignments = ", ".join(f"{c} = excluded.{c}" for c in (*columns, "import_run"))
            changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM excluded.{c}" for c in columns)
            return assignments, changed

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute(f"ANALYZE {stage}")
            # Professionals (a row per distinct national_id).
            cursor.execute(f"SELECT count(DISTINCT national_id) FROM {stage}")  # noqa: S608
            distinct_persons = cursor.fetchone()[0]
            assignments, changed = changes(persons, PERSON_COLUMNS[1:])
            cursor.execute(
                f"""
                WITH last AS (
                    SELECT DISTINCT ON (national_id) {", ".join(plain)}
                    FROM {stage} ORDER BY national_id, line DESC
                ), specialty AS (
                    SELECT DISTINCT ON (national_id) national_id, specialty_code, specialty_label
                    FROM {stage} WHERE specialty_code <> '' ORDER BY national_id, line DESC
                ), written AS (
                    INSERT INTO {persons} ({person_fields}, import_run)
                    SELECT {", ".join(f"last.{c}" for c in plain)},
                        coalesce(specialty.specialty_code, ''),
                        coalesce(specialty.specialty_label, ''), %s
                    FROM last LEFT JOIN specialty USING (national_id)
                    ON CONFLICT (national_id) DO UPDATE SET {assignments} WHERE {changed}
                    RETURNING xmax = 0 AS created
                )
                SELECT count(*) FILTER (WHERE created) FROM written
                """,  # noqa: S608
                [self.run],
            )
            created = cursor.fetchone()[0]
            # Activities (a row per distinct professional and key).
            assignments, changed = changes(activities, ACTIVITY_COLUMNS[2:])
            cursor.execute(
                f"""
                INSERT INTO {activities} (person_id, {activity_fields}, import_run)
                SELECT DISTINCT ON (national_id, key) national_id, {activity_fields}, %s
                FROM {stage} ORDER BY national_id, key, line DESC
                ON CONFLICT (person_id, key) DO UPDATE SET {assignments} WHERE {changed}
                """,  # noqa: S608
                [self.run],
            )
            cursor.execute(
                f"SELECT count(*) FROM (SELECT DISTINCT national_id, key FROM {stage}) AS s"  # noqa: S608
            )
            self.report.activities = cursor.fetchone()[0]
            cursor.execute(
                f"""
                DELETE FROM {activities} AS a
                WHERE a.import_run <> %s
                  AND a.person_id IN (SELECT national_id FROM {stage})
                  AND NOT EXISTS (
                    SELECT 1 FROM {stage} AS s WHERE s.national_id = a.person_id AND s.key = a.key
                  )
                """,  # noqa: S608
                [self.run],
            )
            if prune:
                # No ON DELETE CASCADE in the schema (Django cascades in Python).
                for table, column in ((activities, "person_id"), (persons, "national_id")):
                    cursor.execute(
                        f"DELETE FROM {table} AS t WHERE NOT EXISTS "  # noqa: S608
                        f"(SELECT 1 FROM {stage} AS s WHERE s.national_id = t.{column})"
                    )
        self.report.created = created
        self.report.updated = distinct_persons - created


def import_annuaire(
    path: str | os.PathLike, progress: Progress | None = None, prune: bool = False
) -> ImportReport:
    """Import (or re-import) an Annuaire Santé extraction; `prune` then removes the
    professionals absent from this (complete) file."""
    started = time.monotonic()
    stream, encoding, size = open_source(path, "cp1252")
    report = ImportReport(encoding=encoding)
    tune_connection_for_bulk_writes()
    run = uuid.uuid4().hex
    if connection.vendor == "postgresql":
        writer = StagedWriter(report, run)
        with transaction.atomic(), stream:
            with writer.streaming():
                _read(stream, encoding, size, progress, report, writer)
            writer.finish(prune)
    else:
        writer = BatchWriter(report, run)
        with stream:
            _read(stream, encoding, size, progress, report, writer)
        writer.finish(prune)
    report.seconds = time.monotonic() - started
    return report


def _read(stream, encoding, size, progress, report: ImportReport, writer) -> None:
    importer = AnnuaireImporter(report, writer)
    for number, text in iter_lines(stream, encoding, size, progress):
        report.lines = number
        if number == 1:
            importer.read_header(text)
        else:
            importer.handle(number, text)
