from kiosque.directory.samples import (
    ANNUAIRE_SAMPLE,
    FINESS_SAMPLE,
    GUIDE_SITE_FINESS,
    generate_sites,
    write_finess_file,
)
from kiosque.directory.validators import luhn_is_valid


def test_generated_sites_have_valid_unique_finess_numbers():
    sites = list(generate_sites(2000, national=True))
    numbers = [site.finess for site in sites]
    assert len(set(numbers)) == 2000
    assert all(luhn_is_valid(n) for n in numbers if n.isdigit())
    assert any(n.startswith("2A") for n in numbers)
    assert sites[0].finess == GUIDE_SITE_FINESS == "280503848"


def test_generation_is_deterministic(tmp_path):
    write_finess_file(tmp_path / "a.csv", 300)
    write_finess_file(tmp_path / "b.csv", 300)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_shipped_samples_are_the_generator_output(tmp_path):
    write_finess_file(tmp_path / "f.csv", 200)
    assert (tmp_path / "f.csv").read_bytes() == FINESS_SAMPLE.read_bytes()
    text = FINESS_SAMPLE.read_bytes().decode("latin-1")
    assert text.startswith("finess;etalab;")
    assert "Hôpital Bretonneau" in text
    assert ANNUAIRE_SAMPLE.read_text(encoding="utf-8").startswith("Type d'identifiant PP|")
