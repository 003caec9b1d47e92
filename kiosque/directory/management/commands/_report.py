"""Printing an import report for the operator."""

from kiosque.directory.imports.common import MAX_KEPT_REJECTIONS, ImportReport


def print_report(command, report: ImportReport, what: str) -> None:
    write, style = command.stdout.write, command.style
    write(
        style.SUCCESS(
            f"{what} : {report.lines} lignes lues en {report.seconds:.1f} s "
            f"(encodage {report.encoding})."
        )
    )
    write(f"  créés : {report.created}")
    write(f"  mis à jour : {report.updated}")
    if report.geolocated:
        write(f"  géolocalisés : {report.geolocated}")
    if report.activities:
        write(f"  activités : {report.activities}")
    write(f"  lignes rejetées : {report.rejected_count}")
    for rejection in report.rejections:
        command.stderr.write(f"  ligne {rejection.line} : {rejection.reason}")
    if report.rejected_count > len(report.rejections):
        command.stderr.write(
            f"  ... et {report.rejected_count - MAX_KEPT_REJECTIONS} autres lignes rejetées."
        )
