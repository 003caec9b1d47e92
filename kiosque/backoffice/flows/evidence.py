"""The evidence a reviewer weighs: what the Annuaire Santé says of the declared RPPS, point by
point, each marked concordant, discordant or unknown."""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from kiosque.directory.models import AnnuairePerson
from kiosque.directory.services.annuaire import (
    PractitionerRecord,
    lookup_rpps,
    lookup_rpps_many,
)
from kiosque.professionals.logins import fold


class Verdict(StrEnum):
    CONCORDANT = "concordant"
    DISCORDANT = "discordant"
    UNKNOWN = "inconnu"

    @property
    def label(self):
        return VERDICT_LABELS[self]


VERDICT_LABELS = {
    Verdict.CONCORDANT: _("concordant"),
    Verdict.DISCORDANT: _("discordant"),
    Verdict.UNKNOWN: _("inconnu"),
}


@dataclass(frozen=True)
class Point:
    label: str
    declared: str
    directory: str
    verdict: Verdict


@dataclass
class Evidence:
    record: PractitionerRecord | None
    points: list[Point] = field(default_factory=list)
    note: str = ""

    @property
    def has_discordance(self) -> bool:
        return any(point.verdict == Verdict.DISCORDANT for point in self.points)


def _compare(declared: set[str], found: str) -> Verdict:
    declared = {fold(value) for value in declared if value}
    if not found or not declared:
        return Verdict.UNKNOWN
    return Verdict.CONCORDANT if fold(found) in declared else Verdict.DISCORDANT


def _name_points(registration, record: PractitionerRecord) -> list[Point]:
    return [
        Point(
            str(_("Nom")),
            " / ".join(
                dict.fromkeys(n for n in (registration.last_name, registration.birth_name) if n)
            ),
            record.last_name,
            _compare({registration.last_name, registration.birth_name}, record.last_name),
        ),
        Point(
            str(_("Prénom")),
            registration.first_name,
            record.first_name,
            _compare({registration.first_name}, record.first_name),
        ),
    ]


def _profession_point(registration, record: PractitionerRecord) -> Point:
    if not record.profession_code:
        verdict = Verdict.UNKNOWN
    elif record.profession_code == registration.profession_id:
        verdict = Verdict.CONCORDANT
    else:
        verdict = Verdict.DISCORDANT
    return Point(
        str(_("Profession")),
        str(registration.profession),
        record.profession_label or record.profession_code,
        verdict,
    )


def _site_points(registration, record: PractitionerRecord) -> list[Point]:
    sites = {activity.finess_site for activity in record.activities if activity.finess_site}
    points = []
    for place in registration.establishments.all():
        label = str(_("Exercice à l'établissement déclaré n° %(position)s")) % {
            "position": place.position
        }
        declared = f"{place.name} ({place.finess})" if place.finess else place.name
        if not place.finess or not sites:
            verdict = Verdict.UNKNOWN
        else:
            verdict = Verdict.CONCORDANT if place.finess in sites else Verdict.DISCORDANT
        found = ", ".join(
            f"{activity.site_name} ({activity.finess_site})"
            for activity in record.activities
            if activity.finess_site
        )
        points.append(Point(label, declared, found, verdict))
    return points


def _evidence(registration, record: PractitionerRecord | None, annuaire_imported) -> Evidence:
    if not registration.rpps:
        return Evidence(record=None, note=str(_("Aucun N° RPPS déclaré : pas de comparaison.")))
    if record is None:
        if not annuaire_imported():
            return Evidence(
                record=None,
                note=str(_("L'Annuaire Santé n'a pas été importé : comparaison impossible.")),
                points=[
                    Point(str(_("N° RPPS")), registration.rpps, "", Verdict.UNKNOWN),
                ],
            )
        return Evidence(
            record=None,
            note=str(_("Ce N° RPPS est introuvable dans l'Annuaire Santé.")),
            points=[Point(str(_("N° RPPS")), registration.rpps, "", Verdict.DISCORDANT)],
        )
    points = [
        Point(str(_("N° RPPS")), registration.rpps, record.rpps, Verdict.CONCORDANT),
        *_name_points(registration, record),
        _profession_point(registration, record),
        *_site_points(registration, record),
    ]
    return Evidence(record=record, points=points)


def _annuaire_imported() -> bool:
    return AnnuairePerson.objects.exists()


def gather(registration) -> Evidence:
    """Compare the request with the Annuaire Santé entry of its RPPS."""
    record = lookup_rpps(registration.rpps) if registration.rpps else None
    return _evidence(registration, record, _annuaire_imported)


def _normalised_rpps(value) -> str | None:
    """The RPPS as `lookup_rpps` searches it, or None when it would not search."""
    rpps = str(value or "").strip()
    return rpps if len(rpps) == 11 and rpps.isdigit() else None


def gather_many(registrations) -> dict[int, Evidence]:
    """`gather` for each of `registrations` (by primary key) in at most four queries whatever
    their number (their establishments are expected prefetched)."""
    registrations = list(registrations)
    numbers = {_normalised_rpps(r.rpps) for r in registrations if r.rpps} - {None}
    records = lookup_rpps_many(numbers)
    imported = bool(records) or None

    def annuaire_imported() -> bool:
        nonlocal imported
        if imported is None:
            imported = _annuaire_imported()
        return imported

    return {
        r.pk: _evidence(
            r, records.get(_normalised_rpps(r.rpps)) if r.rpps else None, annuaire_imported
        )
        for r in registrations
    }
