import pytest
from django.core.management import CommandError, call_command

from kiosque.directory.imports.annuaire import COLUMNS, import_annuaire
from kiosque.directory.imports.common import ImportFileError
from kiosque.directory.models import AnnuaireActivity, AnnuairePerson
from kiosque.directory.samples import ANNUAIRE_SAMPLE, annuaire_header

from .conftest import write

pytestmark = pytest.mark.django_db


def row(rpps="10000000009", last="DUPONT", site="280503848", site_name="AIRBP IRC DREUX", **kw):
    values = dict.fromkeys(COLUMNS, "")
    values.update({
        "Type d'identifiant PP": "8", "Identifiant PP": rpps,
        "Identification nationale PP": "8" + rpps, "Code civilité": "MME",
        "Nom d'exercice": last, "Prénom d'exercice": "NATHALIE", "Code profession": "10",
        "Libellé profession": "Médecin", "Code type savoir-faire": "S",
        "Code savoir-faire": "SM36", "Libellé savoir-faire": "Oncologie, option médicale",
        "Code mode exercice": "S", "Libellé mode exercice": "Salarié",
        "Numéro FINESS site": site, "Raison sociale site": site_name,
        "Code postal (coord. structure)": "28100", "Libellé commune (coord. structure)": "Dreux",
    })  # fmt: skip
    values.update(kw)
    return "|".join(values[name] for name in COLUMNS) + "|\n"


def test_the_header_has_the_56_official_columns():
    assert len(COLUMNS) == 56
    assert annuaire_header().endswith("Code genre activité|Libellé genre activité|")


def test_import_of_the_shipped_sample(finess_sample):
    report = import_annuaire(ANNUAIRE_SAMPLE)
    assert (report.created, report.updated, report.rejected_count) == (45, 0, 0)
    assert report.activities == 57
    assert AnnuaireActivity.objects.count() == 57
    dupont = AnnuairePerson.objects.get(identifier="10000000009")
    assert (dupont.last_name, dupont.first_name, dupont.specialty_code) == (
        "DUPONT", "NATHALIE", "SM36",
    )  # fmt: skip
    assert set(dupont.activities.values_list("finess_site", flat=True)) >= {"280503848"}


def test_import_twice_gives_the_same_rows(finess_sample):
    import_annuaire(ANNUAIRE_SAMPLE)
    report = import_annuaire(ANNUAIRE_SAMPLE)
    assert (report.created, report.updated) == (0, 45)
    assert AnnuairePerson.objects.count() == 45
    assert AnnuaireActivity.objects.count() == 57


def test_reimport_replaces_activities(tmp_path):
    header = annuaire_header() + "\n"
    import_annuaire(
        write(tmp_path, "a.txt", header + row() + row(site="370000481", site_name="CHU"), "utf-8")
    )
    import_annuaire(
        write(tmp_path, "b.txt", header + row(site="370000481", site_name="CHU"), "utf-8")
    )
    person = AnnuairePerson.objects.get()
    assert list(person.activities.values_list("finess_site", flat=True)) == ["370000481"]


def test_rows_differing_only_by_know_how_make_one_activity(tmp_path):
    text = annuaire_header() + "\n" + row() + row(**{"Code savoir-faire": "SM37"})
    report = import_annuaire(write(tmp_path, "a.txt", text, "utf-8"))
    assert report.rejected_count == 0
    assert AnnuaireActivity.objects.count() == 1


def test_windows_1252_file_is_detected(tmp_path):
    text = annuaire_header() + "\r\n" + row(last="LEFÈVRE").replace("\n", "\r\n")
    report = import_annuaire(write(tmp_path, "a.txt", text, "cp1252"))
    assert report.encoding == "cp1252"
    assert AnnuairePerson.objects.get().last_name == "LEFÈVRE"
    assert AnnuairePerson.objects.get().profession_label == "Médecin"


def test_malformed_lines_are_reported_with_their_number(tmp_path):
    header = annuaire_header() + "\n"
    body = (
        row()
        + "8|10000000009|trop|court|\n"
        + row(rpps="10000000008")
        + row(rpps="12345678903", last="LEGRAND")
    )
    data = (header + body).encode("utf-8") + "BÉNÉVOLE|latin-1\n".encode("latin-1")
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    report = import_annuaire(path)
    assert report.created == 2
    reasons = {rejection.line: rejection.reason for rejection in report.rejections}
    assert set(reasons) == {3, 4, 6}
    assert "colonnes au lieu de 57" in reasons[3]
    assert "clé de contrôle" in reasons[4]
    assert "illisible en utf-8" in reasons[6]


def test_wrong_header_is_refused(tmp_path):
    with pytest.raises(ImportFileError, match="en-tête"):
        import_annuaire(write(tmp_path, "a.txt", "nom;prenom\nDUPONT;Nathalie\n"))
    with pytest.raises(CommandError, match="vide"):
        call_command("import_annuaire", str(write(tmp_path, "b.txt", "")))


def test_prune_removes_professionals_absent_from_a_complete_file(tmp_path):
    header = annuaire_header() + "\n"
    import_annuaire(write(tmp_path, "a.txt", header + row() + row(rpps="12345678903"), "utf-8"))
    import_annuaire(write(tmp_path, "b.txt", header + row(), "utf-8"), prune=True)
    assert list(AnnuairePerson.objects.values_list("identifier", flat=True)) == ["10000000009"]


def test_command_output(finess_sample, capsys):
    call_command("import_annuaire", str(ANNUAIRE_SAMPLE))
    out, _err = capsys.readouterr()
    assert "créés : 45" in out and "activités : 57" in out
