"""Shared pieces of the directory imports: streaming decoded lines, reports, progress."""

import codecs
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.management.base import OutputWrapper

SNIFF_BYTES = 256 * 1024
MAX_KEPT_REJECTIONS = 200

Progress = Callable[[int, int], None]


class ImportFileError(Exception):
    """The file cannot be imported at all (empty, wrong format): a French sentence."""


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    geolocated: int = 0
    activities: int = 0
    rejected_count: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    encoding: str = ""
    seconds: float = 0.0

    def reject(self, line: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejections) < MAX_KEPT_REJECTIONS:
            self.rejections.append(Rejection(line, reason))


def detect_encoding(head: bytes, fallback: str) -> str:
    """utf-8 when most lines with non-ASCII bytes in the first bytes of the file decode as
    UTF-8, otherwise `fallback` (latin-1 for FINESS, cp1252 for the Annuaire Santé). A few
    stray lines in another encoding are then rejected one by one, not the whole file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    lines = head.split(b"\n")
    if not head.endswith(b"\n"):
        lines = lines[:-1] or lines  # the last line may be cut in the middle of a character
    valid = invalid = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            invalid += 1
    return "utf-8" if valid > invalid else fallback


def iter_lines(
    stream: BinaryIO, encoding: str, total: int, progress: Progress | None
) -> Iterator[tuple[int, str | None]]:
    """(line number, text without end of line) for each line; text is None when the line
    does not decode in `encoding`. Reads line by line: memory stays constant."""
    done = 0
    next_report = 0
    for number, raw in enumerate(stream, start=1):
        done += len(raw)
        if progress and done >= next_report:
            progress(done, total)
            next_report = done + max(total // 200, 64 * 1024)
        if number == 1 and encoding == "utf-8-sig":
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode(encoding.replace("-sig", ""))
        except UnicodeDecodeError:
            yield number, None
            continue
        yield number, text.rstrip("\r\n")
    if progress:
        progress(total, total)


def open_source(path: str | os.PathLike, fallback_encoding: str):
    """(binary stream, encoding, size in bytes); raises ImportFileError for an empty file."""
    try:
        size = os.path.getsize(path)
        stream = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as error:
        raise ImportFileError(
            f"Impossible de lire le fichier {path} : {error.strerror}."
        ) from error
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        stream.close()
        raise ImportFileError("Le fichier est vide : rien à importer.")
    return stream, detect_encoding(head, fallback_encoding), size


class ProgressBar:
    """A one-line progress bar on a terminal (stderr); silent when not a TTY."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label = label
        self.width = width
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        ratio = min(done / total, 1.0)
        filled = int(ratio * self.width)
        elapsed = time.monotonic() - self.started
        self._write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{ratio:6.1%} {done / 1_048_576:7.1f} Mo {elapsed:5.0f} s"
        )
        if ratio >= 1.0:
            self._write("\n")
        self.stream.flush()

    def _write(self, text: str) -> None:
        # A management command's OutputWrapper ends every write with a newline unless told
        # otherwise; the bar redraws one line.
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)


def tune_connection_for_bulk_writes() -> None:
    """SQLite only: a larger page cache for this connection, so the search index B-trees
    being filled stay in memory (the default 2 MB cache made the import I/O-bound)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB at most


def clean(value: str) -> str:
    """A field value without surrounding blanks or NUL characters (PostgreSQL refuses them)."""
    return value.replace("\x00", "").strip()


def execute_values(sql: str, rows: list, row_width: int, chunk: int = 500) -> int:
    """Run `sql` (with one "{values}" placeholder) for chunks of rows written as multi-row
    VALUES lists: one round trip per chunk instead of per row (PostgreSQL) and far less
    statement overhead (SQLite). Returns the total row count reported by the database."""
    from django.db import connection

    one_row = "(" + ", ".join(["%s"] * row_width) + ")"
    total = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            statement = sql.format(values=", ".join([one_row] * len(part)))
            cursor.execute(statement, [value for row in part for value in row])
            total += max(cursor.rowcount, 0)
    return total
