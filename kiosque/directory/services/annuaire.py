"""Look-ups in the imported Annuaire Santé extraction."""

from dataclasses import dataclass, field

from kiosque.directory.models import AnnuairePerson, Civility

RPPS_ID_TYPE = "8"


@dataclass(frozen=True)
class ActivityRecord:
    finess_site: str
    finess_ej: str
    site_name: str
    postal_code: str
    city: str
    mode_code: str
    mode_label: str


@dataclass(frozen=True)
class PractitionerRecord:
    rpps: str
    civility: str
    last_name: str
    first_name: str
    profession_code: str
    profession_label: str
    specialty_code: str
    specialty_label: str
    activities: list[ActivityRecord] = field(default_factory=list)


def lookup_rpps(rpps: str) -> PractitionerRecord | None:
    """The professional registered under this RPPS number, with their activities, or None."""
    rpps = str(rpps or "").strip()
    if not (len(rpps) == 11 and rpps.isdigit()):
        return None
    return lookup_rpps_many({rpps}).get(rpps)


def lookup_rpps_many(rpps_numbers) -> dict[str, PractitionerRecord]:
    """`lookup_rpps` for several RPPS numbers at once (three queries whatever their number),
    keyed by RPPS; numbers with no entry are absent."""
    if not rpps_numbers:
        return {}
    people = list(
        AnnuairePerson.objects.filter(
            national_id__in=[RPPS_ID_TYPE + rpps for rpps in rpps_numbers]
        ).prefetch_related("activities")
    )
    civilities = Civility.objects.in_bulk({person.civility_code for person in people})
    records = {}
    for person in people:
        rpps = person.national_id.removeprefix(RPPS_ID_TYPE)
        civility = civilities.get(person.civility_code)
        records[rpps] = PractitionerRecord(
            rpps=rpps,
            civility=civility.label if civility else person.civility_code,
            last_name=person.last_name,
            first_name=person.first_name,
            profession_code=person.profession_code,
            profession_label=person.profession_label,
            specialty_code=person.specialty_code,
            specialty_label=person.specialty_label,
            activities=[
                ActivityRecord(
                    finess_site=activity.finess_site,
                    finess_ej=activity.finess_ej,
                    site_name=activity.site_name,
                    postal_code=activity.postal_code,
                    city=activity.city,
                    mode_code=activity.mode_code,
                    mode_label=activity.mode_label,
                )
                for activity in sorted(person.activities.all(), key=lambda a: a.pk)
            ],
        )
    return records
