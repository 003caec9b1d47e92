import pytest
from django.core.management import CommandError, call_command

from kiosque.directory.imports.common import ImportFileError
from kiosque.directory.imports.finess import STRUCTURE_FIELDS, import_finess
from kiosque.directory.models import Establishment, EstablishmentToken
from kiosque.directory.samples import FINESS_SAMPLE

from .conftest import write

pytestmark = pytest.mark.django_db

HEADER = "finess;etalab;95;2025-01-15\n"


def structure(finess="280503848", name="AIRBP IRC DREUX", routing="28100 DREUX", dep="28", **kw):
    fields = dict.fromkeys(STRUCTURE_FIELDS, "")
    fields.update(
        structureet="structureet", nofinesset=finess, nofinessej="280000134", rs=name,
        rslongue=kw.get("long_name", name), departement=dep, ligneacheminement=routing,
        categetab="357", libcategetab="Association Aide aux Insuffisants Respiratoires",
        datemaj="2024-11-04", voie="de Rieuville", typvoie="R",
    )  # fmt: skip
    return ";".join(fields[name] for name in STRUCTURE_FIELDS) + "\n"


def test_import_of_the_shipped_sample():
    report = import_finess(FINESS_SAMPLE)
    assert (report.created, report.updated, report.rejected_count) == (200, 0, 0)
    assert report.geolocated == 189
    assert report.encoding == "latin-1"
    site = Establishment.objects.get(finess="280503848")
    assert site.name == "AIRBP IRC DREUX"
    assert (site.postal_code, site.city, site.departement_id) == ("28100", "DREUX", "28")
    assert site.category_code == "357"
    bretonneau = Establishment.objects.get(name="CHU de Tours - Hôpital Bretonneau")
    assert bretonneau.street == "Tonnellé"  # Latin-1 accents decoded
    assert Establishment.objects.exclude(coord_x=None).count() == 189


def test_import_twice_updates_and_never_duplicates():
    import_finess(FINESS_SAMPLE)
    tokens = EstablishmentToken.objects.count()
    report = import_finess(FINESS_SAMPLE)
    assert (report.created, report.updated, report.geolocated) == (0, 200, 189)
    assert Establishment.objects.count() == 200
    assert EstablishmentToken.objects.count() == tokens


def test_reimport_changes_name_and_search_index(tmp_path):
    import_finess(write(tmp_path, "a.csv", HEADER + structure(name="Ancien nom")))
    import_finess(write(tmp_path, "b.csv", HEADER + structure(name="Nouveau nom")))
    site = Establishment.objects.get()
    assert site.name == "Nouveau nom"
    tokens = set(EstablishmentToken.objects.values_list("token", flat=True))
    assert "nouveau" in tokens and "ancien" not in tokens


def test_rejected_lines_are_reported_with_their_number(tmp_path):
    text = (
        HEADER
        + structure()
        + structure(finess="280503847")  # bad key
        + "structureet;123;too;short\n"
        + "geolocalisation;280503848;abc;def;src;2024-01-01\n"
        + "geolocalisation;280503848;1\n"
        + "autre;chose\n"
        + "\n"
        + "geolocalisation;280503848;590000.5;6820000.1;src;2024-01-01\n"
    )
    report = import_finess(write(tmp_path, "f.csv", text))
    assert report.created == 1 and report.geolocated == 1
    reasons = {rejection.line: rejection.reason for rejection in report.rejections}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "clé de contrôle" in reasons[3]
    assert "4 colonnes au lieu de 32" in reasons[4]
    assert "coordonnées" in reasons[5]
    assert "3 colonnes au lieu de 6" in reasons[6]
    assert "type de ligne inconnu" in reasons[7]


def test_corsica_and_overseas_codes(tmp_path):
    text = (
        HEADER
        + structure(finess="2A0000012", routing="20000 AJACCIO", dep="2A")
        + structure(finess="970100012", routing="97110 POINTE A PITRE", dep="9A")
    )
    report = import_finess(write(tmp_path, "f.csv", text))
    assert report.rejected_count == 0, report.rejections
    assert Establishment.objects.get(finess="2A0000012").departement_id == "2A"
    assert Establishment.objects.get(finess="970100012").departement_id == "971"


def test_utf8_file_is_detected(tmp_path):
    path = write(tmp_path, "f.csv", HEADER + structure(name="Hôpital Étoile"), "utf-8")
    report = import_finess(path)
    assert report.encoding == "utf-8"
    assert Establishment.objects.get().name == "Hôpital Étoile"


def test_empty_file_is_refused_clearly(tmp_path):
    with pytest.raises(ImportFileError, match="vide"):
        import_finess(write(tmp_path, "empty.csv", ""))
    with pytest.raises(CommandError, match="vide"):
        call_command("import_finess", str(write(tmp_path, "blank.csv", "\n\n")))


def test_missing_file_is_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_finess", str(tmp_path / "absent.csv"))


def test_command_prints_counts_and_rejections(tmp_path, capsys):
    path = write(tmp_path, "f.csv", HEADER + structure() + structure(finess="280503847"))
    call_command("import_finess", str(path))
    out, err = capsys.readouterr()
    assert "créés : 1" in out and "lignes rejetées : 1" in out
    assert "ligne 3 :" in err


class FakeTerminal:
    def __init__(self, tty):
        self.tty, self.text = tty, ""

    def isatty(self):
        return self.tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_bar_only_on_a_terminal():
    from kiosque.directory.imports.common import ProgressBar

    terminal, pipe = FakeTerminal(True), FakeTerminal(False)
    for stream in (terminal, pipe):
        bar = ProgressBar("FINESS", stream)
        bar(50, 100)
        bar(100, 100)
    assert "50.0%" in terminal.text and "100.0%" in terminal.text
    assert terminal.text.endswith("\n")
    assert pipe.text == ""


def test_import_reports_progress():
    seen = []
    import_finess(FINESS_SAMPLE, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] == FINESS_SAMPLE.stat().st_size
