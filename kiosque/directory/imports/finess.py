"""Import of the public FINESS extraction (etalab, `;`-separated, Latin-1).

Lines: an optional header `finess;etalab;...`, then `structureet;...` (32 fields, one site
each) and `geolocalisation;nofinesset;coordxet;coordyet;sourcecoordet;datemaj`. Streaming,
batched upserts: importing the same file again updates rows and never duplicates them.
"""

import datetime
import os
import time
from collections import namedtuple
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from kiosque.directory.imports.common import (
    ImportReport,
    Progress,
    clean,
    execute_values,
    iter_lines,
    open_source,
    tune_connection_for_bulk_writes,
)
from kiosque.directory.models import Departement, Establishment, EstablishmentToken
from kiosque.directory.services.indexing import bulk_loading, full_key, reindex, search_key
from kiosque.directory.text import STOP_WORDS, TOKEN_MAX_LENGTH
from kiosque.directory.validators import validate_finess

STRUCTURE_FIELDS = [
    "structureet",
    "nofinesset",
    "nofinessej",
    "rs",
    "rslongue",
    "complrs",
    "compldistrib",
    "numvoie",
    "typvoie",
    "voie",
    "compvoie",
    "lieuditbp",
    "commune",
    "departement",
    "libdepartement",
    "ligneacheminement",
    "telephone",
    "telecopie",
    "categetab",
    "libcategetab",
    "categagretab",
    "libcategagretab",
    "siret",
    "codeape",
    "codemft",
    "libmft",
    "codesph",
    "libsph",
    "dateouv",
    "dateautor",
    "datemaj",
    "numuai",
]
GEOLOCATION_FIELDS = [
    "geolocalisation",
    "nofinesset",
    "coordxet",
    "coordyet",
    "sourcecoordet",
    "datemaj",
]
BATCH_SIZE = 2000

# FINESS codes overseas départements 9A..9F; INSEE codes are 971..976 (9E, Saint-Pierre-et-
# Miquelon, is a collectivity without a département here).
FINESS_OVERSEAS = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9F": "976"}

# Columns written by the upsert, in order; coordinates come from the geolocation lines.
COLUMNS = (
    "finess", "finess_ej", "name", "long_name", "street_number", "street_type", "street",
    "complement", "lieu_dit", "postal_code", "city", "departement_id", "phone",
    "category_code", "category_label", "updated_at", "search_key", "coord_source",
)  # fmt: skip
INSERT_ONLY = {"finess", "coord_source"}
Site = namedtuple("Site", COLUMNS)


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _postal_code_and_city(line: str) -> tuple[str, str]:
    """ "37044 TOURS CEDEX 9" -> ("37044", "TOURS CEDEX 9")."""
    head, _sep, rest = line.partition(" ")
    if len(head) == 5 and head.isdigit():
        return head, rest.strip()
    return "", line.strip()


class _Departements:
    def __init__(self):
        self.codes = set(Departement.objects.values_list("code", flat=True))

    def resolve(self, finess_code: str, postal_code: str) -> str | None:
        code = FINESS_OVERSEAS.get(finess_code.upper(), finess_code.upper())
        if code in self.codes:
            return code
        if len(code) == 1 and ("0" + code) in self.codes:
            return "0" + code
        return self.from_postal_code(postal_code)

    def from_postal_code(self, postal_code: str) -> str | None:
        if len(postal_code) != 5:
            return None
        if postal_code.startswith("97"):
            code = postal_code[:3]
        elif postal_code.startswith("20"):
            code = "2A" if postal_code < "20200" else "2B"
        else:
            code = postal_code[:2]
        return code if code in self.codes else None


def parse_structure(fields: list[str], departements: _Departements) -> Site:
    # NUL characters were refused with the line: strip() is enough here.
    row = dict(zip(STRUCTURE_FIELDS, (value.strip() for value in fields), strict=True))
    validate_finess(row["nofinesset"])
    if not row["rs"]:
        raise ValidationError("raison sociale (rs) vide", code="finess_name")
    postal_code, city = _postal_code_and_city(row["ligneacheminement"])
    site = Site(
        finess=row["nofinesset"].upper(),
        finess_ej=row["nofinessej"].upper()[:9],
        name=row["rs"][:120],
        long_name=row["rslongue"][:200],
        street_number=row["numvoie"][:10],
        street_type=row["typvoie"][:10],
        street=row["voie"][:120],
        complement=(row["compvoie"] or row["compldistrib"] or row["complrs"])[:120],
        lieu_dit=row["lieuditbp"][:120],
        postal_code=postal_code,
        city=city[:80],
        departement_id=departements.resolve(row["departement"], postal_code),
        phone=row["telephone"][:20],
        category_code=row["categetab"][:4],
        category_label=row["libcategetab"][:120],
        updated_at=_date(row["datemaj"]),
        search_key="",
        coord_source="",
    )
    return site._replace(search_key=search_key(site))


def _upsert_sql(source: str) -> str:
    """INSERT ... {source} ON CONFLICT (finess) DO UPDATE: the statement
    bulk_create(update_conflicts=True) builds, written directly (Django's SQL compilation of
    100,000 model instances alone took longer than the import target)."""
    table = connection.ops.quote_name(Establishment._meta.db_table)
    updates = ", ".join(
        f"{connection.ops.quote_name(column)} = excluded.{connection.ops.quote_name(column)}"
        for column in COLUMNS
        if column not in INSERT_ONLY
    )
    return (
        f"INSERT INTO {table} ({_column_list()}) {source} "  # noqa: S608
        f"ON CONFLICT (finess) DO UPDATE SET {updates}"
    )


def _column_list() -> str:
    return ", ".join(connection.ops.quote_name(column) for column in COLUMNS)


def _copy_to_stage(cursor, stage: str, definition: str, columns: str, rows) -> None:
    """PostgreSQL: rows streamed by COPY into a session temporary table (emptied first)."""
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({definition})")
    cursor.execute(f"TRUNCATE {stage}")
    with cursor.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _write_sites(batch: list[Site]) -> None:
    if connection.vendor != "postgresql":
        execute_values(_upsert_sql("VALUES {values}"), batch, len(COLUMNS), chunk=400)
        return
    # Large multi-row VALUES statements are slow to plan on PostgreSQL: COPY, then one
    # INSERT ... SELECT per batch.
    table = connection.ops.quote_name(Establishment._meta.db_table)
    with connection.cursor() as cursor:
        _copy_to_stage(
            cursor, "finess_stage", f"LIKE {table} INCLUDING DEFAULTS", _column_list(), batch
        )
        cursor.execute(_upsert_sql(f"SELECT {_column_list()} FROM finess_stage"))  # noqa: S608


def _write_geolocations(rows: list[tuple[float, float, str, str]]) -> int:
    table = connection.ops.quote_name(Establishment._meta.db_table)
    assignments = "coord_x = g.x, coord_y = g.y, coord_source = g.s"
    if connection.vendor != "postgresql":
        # UPDATE ... FROM (VALUES ...): SQLite since 3.33.
        sql = (
            f"UPDATE {table} SET coord_x = v.column1, coord_y = v.column2, "  # noqa: S608
            f"coord_source = v.column3 FROM (VALUES {{values}}) AS v "
            f"WHERE {table}.finess = v.column4"
        )
        return execute_values(sql, rows, 4, chunk=500)
    with connection.cursor() as cursor:
        definition = "x double precision, y double precision, s varchar(120), f varchar(9)"
        _copy_to_stage(cursor, "finess_geo_stage", definition, "x, y, s, f", rows)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM finess_geo_stage g "  # noqa: S608
            f"WHERE {table}.finess = g.f"
        )
        return max(cursor.rowcount, 0)


def _reason(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


class FinessImporter:
    """Reads the lines, rejects the bad ones (with their number); the valid rows go to
    `add_structure` / `add_geolocation`: batched upserts here (SQLite, the default), staged
    set-based writes in StagedFinessImporter (PostgreSQL)."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.departements = _Departements()
        self.structures: dict[str, Site] = {}
        self.geolocations: list[tuple[float, float, str, str]] = []

    def handle(self, number: int, text: str | None) -> None:
        if text is None:
            self.report.reject(number, f"ligne illisible en {self.report.encoding}")
            return
        if not text.strip():
            return
        if "\x00" in text:
            self.report.reject(number, "caractère nul dans la ligne")
            return
        fields = text.split(";")
        kind = fields[0].strip().lower()
        if kind == "finess" and number == 1:
            return
        if kind == "structureet":
            self._structure(number, fields)
        elif kind == "geolocalisation":
            self._geolocation(number, fields)
        else:
            self.report.reject(number, f"type de ligne inconnu « {fields[0][:30]} »")

    def _structure(self, number: int, fields: list[str]) -> None:
        if len(fields) != len(STRUCTURE_FIELDS):
            self.report.reject(
                number, f"{len(fields)} colonnes au lieu de {len(STRUCTURE_FIELDS)} (structureet)"
            )
            return
        try:
            establishment = parse_structure(fields, self.departements)
        except ValidationError as error:
            self.report.reject(number, f"FINESS {clean(fields[1])[:12]!r} : {_reason(error)}")
            return
        self.add_structure(number, establishment)

    def add_structure(self, number: int, establishment: Site) -> None:
        self.structures[establishment.finess] = establishment
        if len(self.structures) >= BATCH_SIZE:
            self.flush_structures()

    def _geolocation(self, number: int, fields: list[str]) -> None:
        if len(fields) != len(GEOLOCATION_FIELDS):
            self.report.reject(
                number,
                f"{len(fields)} colonnes au lieu de {len(GEOLOCATION_FIELDS)} (geolocalisation)",
            )
            return
        finess = clean(fields[1]).upper()
        try:
            validate_finess(finess)
            x, y = float(clean(fields[2])), float(clean(fields[3]))
        except ValidationError as error:
            self.report.reject(number, f"FINESS {finess[:12]!r} : {_reason(error)}")
            return
        except ValueError:
            self.report.reject(number, f"coordonnées illisibles pour le FINESS {finess}")
            return
        self.add_geolocation(number, (x, y, clean(fields[4])[:120], finess))

    def add_geolocation(self, number: int, row: tuple[float, float, str, str]) -> None:
        self.geolocations.append(row)
        if len(self.geolocations) >= BATCH_SIZE:
            self.flush_geolocations()

    def finish(self) -> None:
        self.flush_structures()
        self.flush_geolocations()

    @transaction.atomic
    def flush_structures(self) -> None:
        if not self.structures:
            return
        batch = list(self.structures.values())
        self.structures = {}
        known = dict(
            Establishment.objects.filter(pk__in=[site.finess for site in batch]).values_list(
                "pk", "search_key"
            )
        )
        _write_sites(batch)
        # Tokens derive from the search key: unchanged sites keep theirs.
        reindex((site for site in batch if site.finess not in known), new=True)
        reindex(
            site for site in batch if site.finess in known and known[site.finess] != site.search_key
        )
        self.report.updated += len(known)
        self.report.created += len(batch) - len(known)

    @transaction.atomic
    def flush_geolocations(self) -> None:
        if not self.geolocations:
            return
        # Geolocation lines follow the structures in the file: write pending sites first.
        self.flush_structures()
        rows, self.geolocations = self.geolocations, []
        self.report.geolocated += _write_geolocations(rows)


class StagedFinessImporter(FinessImporter):
    """PostgreSQL: the valid rows are streamed by COPY into temporary tables (one COPY open
    at a time: it switches when the kind of line changes, structures then geolocations in
    the real file), then a few set-based statements apply the whole file in the import's
    transaction: one upsert of the sites with their coordinates (a row left alone when
    nothing changed), one UPDATE for the coordinates of sites not in the file, and the
    search tokens of the new or renamed sites replaced in two statements (computed in SQL
    from the normalised key, as tokens_for() does)."""

    SITES, GEOLOCATIONS = "finess_stage_site", "finess_stage_geo"

    def __init__(self, report: ImportReport):
        super().__init__(report)
        self.cursor = connection.cursor()
        table = connection.ops.quote_name(Establishment._meta.db_table)
        for statement in (
            # ON COMMIT DROP: a second import in the same transaction (tests) finds them.
            f"DROP TABLE IF EXISTS {self.SITES}, {self.GEOLOCATIONS}, finess_site, finess_geo, "
            "finess_changed",
            f"CREATE TEMP TABLE {self.SITES} (LIKE {table} INCLUDING DEFAULTS, "
            "line integer, full_key text) ON COMMIT DROP",
            f"CREATE TEMP TABLE {self.GEOLOCATIONS} (line integer, x double precision, "
            "y double precision, s varchar(120), f varchar(9)) ON COMMIT DROP",
        ):
            self.cursor.execute(statement)
        self.kind: str | None = None
        self._copy_context = None
        self.copy = None

    def _switch(self, kind: str) -> None:
        if kind == self.kind:
            return
        self.close_stream()
        if kind == "site":
            sql = f"COPY {self.SITES} (line, {_column_list()}, full_key) FROM STDIN"
        else:
            sql = f"COPY {self.GEOLOCATIONS} (line, x, y, s, f) FROM STDIN"
        self._copy_context = self.cursor.cursor.copy(sql)
        self.copy = self._copy_context.__enter__()
        self.kind = kind

    def close_stream(self, error: BaseException | None = None) -> None:
        """End the open COPY: completed, or abandoned when `error` interrupted the import."""
        if self._copy_context is not None:
            context, self._copy_context, self.copy, self.kind = self._copy_context, None, None, None
            if error is None:
                context.__exit__(None, None, None)
            else:
                context.__exit__(type(error), error, error.__traceback__)

    def add_structure(self, number: int, establishment: Site) -> None:
        self._switch("site")
        self.copy.write_row((number, *establishment, full_key(establishment)))

    def add_geolocation(self, number: int, row: tuple[float, float, str, str]) -> None:
        self._switch("geo")
        self.copy.write_row((number, *row))

    def finish(self) -> None:
        self.close_stream()
        table = connection.ops.quote_name(Establishment._meta.db_table)
        tokens = connection.ops.quote_name(EstablishmentToken._meta.db_table)
        columns = _column_list()
        updated = [c for c in COLUMNS if c not in INSERT_ONLY]
        assignments = ", ".join(f"{c} = excluded.{c}" for c in updated)
        plain_changed = (
            f"({', '.join(f'{table}.{c}' for c in updated)}) IS DISTINCT FROM "
            f"({', '.join(f'excluded.{c}' for c in updated)})"
        )
        coords = "(coord_x, coord_y, coord_source)"
        run = self.cursor.execute
        run("SET LOCAL work_mem = '64MB'")
        run(
            "CREATE TEMP TABLE finess_site ON COMMIT DROP AS "  # noqa: S608
            f"SELECT DISTINCT ON (finess) * FROM {self.SITES} ORDER BY finess, line DESC"
        )
        run(
            "CREATE TEMP TABLE finess_geo ON COMMIT DROP AS "  # noqa: S608
            f"SELECT DISTINCT ON (f) f, x, y, s FROM {self.GEOLOCATIONS} ORDER BY f, line DESC"
        )
        # Sites new or whose search key changes: their tokens are (re)written below.
        run(
            "CREATE TEMP TABLE finess_changed ON COMMIT DROP AS "  # noqa: S608
            "SELECT s.finess, e.finess IS NULL AS created FROM finess_site s "
            f"LEFT JOIN {table} e ON e.finess = s.finess "
            "WHERE e.finess IS NULL OR e.search_key <> s.search_key"
        )
        run("SELECT (SELECT count(*) FROM finess_site), count(*) FILTER (WHERE created) "
            "FROM finess_changed")  # fmt: skip
        total, created = self.cursor.fetchone()
        run(
            f"INSERT INTO {table} ({columns}, coord_x, coord_y) "  # noqa: S608
            f"SELECT {', '.join(f's.{c}' for c in COLUMNS if c != 'coord_source')}, "
            "coalesce(g.s, ''), g.x, g.y "
            "FROM finess_site s LEFT JOIN finess_geo g ON g.f = s.finess "
            f"ON CONFLICT (finess) DO UPDATE SET {assignments}, "
            f"coord_x = coalesce(excluded.coord_x, {table}.coord_x), "
            f"coord_y = coalesce(excluded.coord_y, {table}.coord_y), "
            f"coord_source = CASE WHEN excluded.coord_x IS NULL THEN {table}.coord_source "
            "ELSE excluded.coord_source END "
            f"WHERE {plain_changed} OR (excluded.coord_x IS NOT NULL AND "
            f"({table}.coord_x, {table}.coord_y, {table}.coord_source) IS DISTINCT FROM "
            "(excluded.coord_x, excluded.coord_y, excluded.coord_source))"
        )
        # Geolocation lines of sites known from an earlier import but absent from this file.
        run(
            f"UPDATE {table} SET {coords} = (g.x, g.y, g.s) FROM finess_geo g "  # noqa: S608
            f"WHERE {table}.finess = g.f "
            "AND NOT EXISTS (SELECT 1 FROM finess_site s WHERE s.finess = g.f) "
            f"AND ({table}.coord_x, {table}.coord_y, {table}.coord_source) "
            "IS DISTINCT FROM (g.x, g.y, g.s)"
        )
        run(f"SELECT count(*) FROM finess_geo g JOIN {table} e ON e.finess = g.f")  # noqa: S608
        self.report.geolocated = self.cursor.fetchone()[0]
        run(
            f"DELETE FROM {tokens} WHERE establishment_id IN "  # noqa: S608
            "(SELECT finess FROM finess_changed WHERE NOT created)"
        )
        run(
            f"INSERT INTO {tokens} (token, establishment_id) "  # noqa: S608
            "SELECT DISTINCT t.word, s.finess FROM finess_site s "
            "JOIN finess_changed c ON c.finess = s.finess "
            "CROSS JOIN LATERAL ("
            "  SELECT left(w, %s) AS word FROM unnest(string_to_array(s.full_key, ' ')) AS w "
            "  WHERE left(w, %s) <> ALL(%s) "
            "  UNION ALL SELECT lower(s.finess)) AS t",
            [TOKEN_MAX_LENGTH, TOKEN_MAX_LENGTH, sorted(STOP_WORDS)],
        )
        self.report.created = created
        self.report.updated = total - created


def import_finess(path: str | os.PathLike, progress: Progress | None = None) -> ImportReport:
    """Import (or re-import) a FINESS extraction file; see the module docstring."""
    started = time.monotonic()
    stream, encoding, size = open_source(path, "latin-1")
    report = ImportReport(encoding=encoding)
    tune_connection_for_bulk_writes()
    staged = connection.vendor == "postgresql"
    with stream, transaction.atomic() if staged else nullcontext(), bulk_loading():
        importer = StagedFinessImporter(report) if staged else FinessImporter(report)
        try:
            for number, text in iter_lines(stream, encoding, size, progress):
                report.lines = number
                importer.handle(number, text)
        except BaseException as error:
            if staged:
                importer.close_stream(error)
            raise
        importer.finish()
    report.seconds = time.monotonic() - started
    return report
