"""`kiosque import-finess FILE`: import the public FINESS extraction (establishments)."""

from django.core.management.base import BaseCommand, CommandError

from kiosque.directory.imports.common import ImportFileError, ProgressBar
from kiosque.directory.imports.finess import import_finess
from kiosque.directory.management.commands._report import print_report
from kiosque.directory.services.indexing import rebuild_index


class Command(BaseCommand):
    help = (
        "Importe l'extraction publique FINESS (etalab, séparateur « ; », Latin-1) : "
        "établissements géographiques et géolocalisation. Un nouvel import met à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier d'extraction FINESS (etalab)")
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="reconstruire ensuite tout l'index de recherche des établissements",
        )

    def handle(self, *args, **options):
        try:
            report = import_finess(options["file"], progress=ProgressBar("FINESS", self.stderr))
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        print_report(self, report, "Import FINESS")
        if options["reindex"]:
            tokens = rebuild_index()
            self.stdout.write(f"Index de recherche reconstruit : {tokens} mots.")
