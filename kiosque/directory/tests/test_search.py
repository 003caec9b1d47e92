import pytest

from kiosque.directory.services.search import query_words, search_establishments

pytestmark = pytest.mark.django_db


def names(query, **kwargs):
    return [establishment.name for establishment in search_establishments(query, **kwargs)]


def test_accents_and_case_are_ignored(finess_sample):
    assert "CHU de Tours - Hôpital Bretonneau" in names("hopital")
    assert "CHU de Tours - Hôpital Bretonneau" in names("HÔPITAL BRETONNEAU")
    assert names("orleans chr") == ["CHR d'Orléans"]


def test_words_in_any_order_and_prefixes(finess_sample):
    assert names("bretonneau tours") == names("tou bret") == ["CHU de Tours - Hôpital Bretonneau"]


def test_by_city_and_postal_code(finess_sample):
    found = search_establishments("dreux")
    assert {e.finess for e in found} >= {"280503848"}
    assert all(e.city == "DREUX" for e in found)
    assert all(e.postal_code.startswith("28") for e in search_establishments("28100"))


def test_by_finess_prefix(finess_sample):
    assert names("2805038") == ["AIRBP IRC DREUX"]
    assert names("280503848") == ["AIRBP IRC DREUX"]


def test_guide_scenario(finess_sample):
    assert names("AIRBP IRC DREUX") == ["AIRBP IRC DREUX"]
    assert "AIRBP IRC DREUX" in names("dre")


def test_limit_and_order(finess_sample):
    found = names("pharmacie", limit=5)
    assert len(found) == 5
    assert found == sorted(found)


def test_every_word_must_match(finess_sample):
    assert names("bretonneau orleans") == []
    assert names("zzzz") == []
    assert names("") == names("   ") == names("!!") == []


def test_stop_words_are_dropped_unless_alone():
    assert query_words("centre de la loire") == ["centre", "loire"]
    assert query_words("de") == ["de"]
    assert len(query_words("a b c d e f g h i j")) == 6


def test_a_saved_establishment_is_found_at_once(make_establishment):
    make_establishment(finess="370000481", name="Clinique Œnologie Saint-Éloi", city="TOURS")
    assert names("oenologie eloi") == ["Clinique Œnologie Saint-Éloi"]


def test_rebuild_index_restores_lost_tokens(finess_sample):
    from kiosque.directory.models import EstablishmentToken
    from kiosque.directory.services.indexing import rebuild_index

    count = EstablishmentToken.objects.count()
    EstablishmentToken.objects.all().delete()
    assert names("airbp") == []
    assert rebuild_index() == count
    assert names("airbp") == ["AIRBP IRC DREUX"]
