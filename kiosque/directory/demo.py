"""Demo data of the directory: the shipped FINESS and Annuaire Santé samples (idempotent)."""

from kiosque.directory.imports.annuaire import import_annuaire
from kiosque.directory.imports.finess import import_finess
from kiosque.directory.samples import ANNUAIRE_SAMPLE, FINESS_SAMPLE


def load(stdout) -> None:
    finess = import_finess(FINESS_SAMPLE)
    stdout.write(
        f"Établissements FINESS : {finess.created} créés, {finess.updated} mis à jour "
        f"({FINESS_SAMPLE.name})."
    )
    annuaire = import_annuaire(ANNUAIRE_SAMPLE)
    stdout.write(
        f"Annuaire Santé : {annuaire.created} professionnels créés, {annuaire.updated} mis à "
        f"jour, {annuaire.activities} activités ({ANNUAIRE_SAMPLE.name})."
    )
