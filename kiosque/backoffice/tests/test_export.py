"""CSV export of the queue for Excel."""

import csv
import io

import pytest

from kiosque.backoffice.flows.export import safe_cell
from kiosque.backoffice.tests.factories import make_registration

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6", "'+33 6"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("DUPONT", "DUPONT"),
        (12, "12"),
    ],
)
def test_formula_injection_is_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_export_uses_bom_semicolons_and_filters(reviewer_client):
    make_registration(last_name="=CMD|' /C calc'!A0", first_name="Élise")
    make_registration(last_name="AUTRE", profession_id="60", rpps="")
    response = reviewer_client.get("/gestion/demandes/export.csv?profession=10")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["N° de demande", "Date de la demande", "Statut"]
    assert len(rows) == 2
    assert rows[1][3] == "'=CMD|' /C calc'!A0"
    assert rows[1][5] == "Élise"
    assert rows[1][11] == "'+33675030522"
