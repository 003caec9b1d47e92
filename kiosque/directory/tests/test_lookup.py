import pytest

from kiosque.directory.services.annuaire import lookup_rpps

pytestmark = pytest.mark.django_db


def test_lookup_returns_the_practitioner_and_activities(annuaire_sample):
    record = lookup_rpps("10000000009")
    assert record.rpps == "10000000009"
    assert (record.civility, record.last_name, record.first_name) == (
        "Madame",
        "DUPONT",
        "NATHALIE",
    )
    assert (record.profession_code, record.profession_label) == ("10", "Médecin")
    assert (record.specialty_code, record.specialty_label) == ("SM36", "Oncologie, option médicale")
    sites = {activity.finess_site: activity for activity in record.activities}
    assert "280503848" in sites
    assert sites["280503848"].site_name == "AIRBP IRC DREUX"
    assert (sites["280503848"].postal_code, sites["280503848"].city) == ("28100", "Dreux")
    assert sites["280503848"].mode_label == "Salarié"


@pytest.mark.parametrize("value", ["99999999999", "", None, "1000000000", "abc", "10000000009'"])
def test_unknown_or_malformed_rpps_gives_none(annuaire_sample, value):
    assert lookup_rpps(value) is None
