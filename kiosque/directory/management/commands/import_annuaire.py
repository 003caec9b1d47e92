"""`kiosque import-annuaire FILE`: import the Annuaire Santé extraction (professionals)."""

from django.core.management.base import BaseCommand, CommandError

from kiosque.directory.imports.annuaire import import_annuaire
from kiosque.directory.imports.common import ImportFileError, ProgressBar
from kiosque.directory.management.commands._report import print_report


class Command(BaseCommand):
    help = (
        "Importe l'extraction publique de l'Annuaire Santé PS_LibreAcces_Personne_activite "
        "(séparateur « | », UTF-8 ou Windows-1252). Un nouvel import remplace les activités."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier PS_LibreAcces_Personne_activite")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="supprimer les professionnels absents du fichier (extraction complète)",
        )

    def handle(self, *args, **options):
        try:
            report = import_annuaire(
                options["file"],
                progress=ProgressBar("Annuaire Santé", self.stderr),
                prune=options["prune"],
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        print_report(self, report, "Import Annuaire Santé")
