"""Step 4, "Informations établissement": FINESS choice (with and without JavaScript), the
"non référencé" address, the second establishment."""

import re

import pytest

from kiosque.registration.tests.conftest import page_text

NOT_LISTED = {
    "etab1_query": "",
    "etab1_finess": "",
    "etab1_not_listed": "on",
    "etab1_name": "Cabinet du Dr Dupont",
    "etab1_street": "12 boulevard Tonnellé",
    "etab1_po_box": "BP 12",
    "etab1_postal_code": "37000",
    "etab1_city": "TOURS",
    "etab1_cedex": "CEDEX 1",
    "etab1_departement": "37",
    "etab1_country": "FRANCE",
}
SECOND = {
    "add_second": "on",
    "etab2_query": "CHRU DE TOURS",
    "etab2_finess": "370000481",
    "etab2_service": "Oncologie",
}


@pytest.fixture
def at_establishment(wizard):
    wizard.complete("conditions", "identity", "contacts")
    return wizard


def errors_of(response):
    assert response.status_code == 200
    return response.context["form"].errors


def cleaned(wizard):
    form = wizard.client.get("/inscription/etablissement/").context["form"]
    assert form.is_valid(), form.errors
    return form.establishments


def test_listed_establishment(at_establishment):
    response = at_establishment.post("establishment")
    assert response["Location"] == "/inscription/centres-interet/"
    [place] = cleaned(at_establishment)
    assert place["finess"] == "280503848"
    assert place["name"] == "AIRBP IRC DREUX"
    assert place["city"] == "DREUX"
    assert place["departement"] == "28 - Eure-et-Loir"
    assert place["service"] == "ADMINISTRATION"


def test_chosen_establishment_details_are_shown(at_establishment):
    at_establishment.post("establishment")
    page = page_text(at_establishment.client.get("/inscription/etablissement/"))
    assert "FINESS géographique" in page
    assert ">280503848<" in page
    assert ">28 - Eure-et-Loir<" in page
    assert ">DREUX<" in page


def test_nothing_chosen(at_establishment):
    errors = errors_of(at_establishment.post("establishment", etab1_query="", etab1_finess=""))
    assert errors["etab1_query"][0].startswith(
        "Saisissez les premiers caractères de votre établissement"
    )


def test_service_required(at_establishment):
    errors = errors_of(at_establishment.post("establishment", etab1_service=""))
    assert errors["etab1_service"] == ["Saisissez votre service d'exercice."]


def test_unknown_finess(at_establishment):
    errors = errors_of(at_establishment.post("establishment", etab1_finess="370000002"))
    assert errors["etab1_query"] == ["Sélectionnez à nouveau votre établissement."]


def test_search_without_javascript_lists_radio_buttons(at_establishment):
    response = at_establishment.post(
        "establishment", etab1_query="dreu", etab1_finess="", action="search-1"
    )
    assert response.status_code == 200
    page = page_text(response)
    assert 'type="radio" name="etab1_finess" value="280503848"' in page
    assert 'value="280000134"' in page
    assert "370000481" not in page
    assert 'class="error-summary"' not in page
    assert 'value="ADMINISTRATION"' in page


def test_search_without_results_says_so(at_establishment):
    response = at_establishment.post(
        "establishment", etab1_query="zzzz", etab1_finess="", action="search-1"
    )
    assert "Aucun établissement ne correspond à « zzzz »" in page_text(response)


def test_typed_but_not_chosen_lists_the_matches(at_establishment):
    response = at_establishment.post("establishment", etab1_query="dreu", etab1_finess="")
    errors = errors_of(response)
    assert errors["etab1_query"] == [
        "Sélectionnez votre établissement dans la liste des résultats."
    ]
    assert 'name="etab1_finess" value="280503848"' in page_text(response)


def test_choosing_a_radio_button(at_establishment):
    response = at_establishment.post("establishment", etab1_query="dreu", etab1_finess="280000134")
    assert response.status_code == 302
    assert cleaned(at_establishment)[0]["name"] == "CENTRE HOSPITALIER DE DREUX"


def test_not_listed_requires_the_address(at_establishment):
    errors = errors_of(
        at_establishment.post(
            "establishment", etab1_query="", etab1_finess="", etab1_not_listed="on"
        )
    )
    assert errors["etab1_name"] == ["Saisissez le nom de votre établissement."]
    assert errors["etab1_street"] == ["Saisissez la rue de votre établissement."]
    assert errors["etab1_postal_code"] == ["Saisissez le code postal de votre établissement."]
    assert errors["etab1_city"] == ["Saisissez la ville de votre établissement."]
    assert errors["etab1_departement"] == ["Sélectionnez le département de votre établissement."]
    assert "etab1_query" not in errors
    assert "etab1_po_box" not in errors


def test_not_listed_address_is_kept(at_establishment):
    response = at_establishment.post("establishment", **NOT_LISTED)
    assert response.status_code == 302
    [place] = cleaned(at_establishment)
    assert place["not_listed"] is True
    assert place["establishment"] is None
    assert place["finess"] == ""
    assert place["street"] == "12 boulevard Tonnellé"
    assert place["departement"] == "37 - Indre-et-Loire"
    assert place["country"] == "FRANCE"


def test_not_listed_postal_code_format(at_establishment):
    errors = errors_of(
        at_establishment.post("establishment", **{**NOT_LISTED, "etab1_postal_code": "3700"})
    )
    assert errors["etab1_postal_code"] == ["Le code postal compte 5 chiffres, par exemple 37000."]


def test_address_fields_ignored_when_not_ticked(at_establishment):
    response = at_establishment.post("establishment", etab1_street="", etab1_name="")
    assert response.status_code == 302


def test_second_establishment_ignored_unless_ticked(at_establishment):
    response = at_establishment.post("establishment", etab2_query="n'importe quoi")
    assert response.status_code == 302
    assert len(cleaned(at_establishment)) == 1


def test_second_establishment_requires_its_fields(at_establishment):
    errors = errors_of(at_establishment.post("establishment", add_second="on"))
    assert "etab2_query" in errors
    assert errors["etab2_service"] == ["Saisissez votre service d'exercice."]


def test_second_establishment_kept(at_establishment):
    response = at_establishment.post("establishment", **SECOND)
    assert response.status_code == 302
    first, second = cleaned(at_establishment)
    assert (first["position"], second["position"]) == (1, 2)
    assert second["name"] == "CHRU DE TOURS"


def test_second_establishment_not_the_same_as_the_first(at_establishment):
    errors = errors_of(
        at_establishment.post("establishment", **{**SECOND, "etab2_finess": "280503848"})
    )
    assert errors["etab2_query"] == ["Votre deuxième établissement est le même que le premier."]


def test_page_structure(at_establishment):
    page = page_text(at_establishment.client.get("/inscription/etablissement/"))
    assert "<legend>Établissement d'exercice principal</legend>" in page
    assert (
        '<button type="submit" name="action" value="add-second" class="button" '
        "formnovalidate>Ajouter un deuxième établissement</button>"
    ) in page
    assert "Mon établissement n'est pas référencé dans la liste" in page
    assert 'data-reveal-when="id_etab1_not_listed"' in page
    assert ">Rechercher<" in page
    for token in ("organization", "street-address", "postal-code", "address-level2"):
        assert f'autocomplete="section-etablissement1 {token}"' in page
    assert "style=" not in page
    assert "<script>" not in page


def _summary_and_page_order(response) -> tuple[list[str], list[str]]:
    """The fields the error summary links to, and the fields showing an error in the page,
    each in the order of the HTML."""
    html = response.content.decode()
    summary = html[
        html.index("data-error-summary") : html.index("</ul>", html.index("data-error-summary"))
    ]
    form = html[html.index("<form") :]
    return (
        re.findall(r'href="#(id_[a-z0-9_]+)"', summary),
        re.findall(r'id="(id_[a-z0-9_]+)_error"', form),
    )


def test_the_error_summary_follows_the_page(at_establishment):
    response = at_establishment.post(
        "establishment",
        etab1_query="",
        etab1_finess="",
        etab1_not_listed="on",
        etab1_service="",
        add_second="on",
        etab2_not_listed="on",
    )
    summary, page = _summary_and_page_order(response)
    assert summary == page
    assert summary.index("id_etab2_street") < summary.index("id_etab2_service")
    assert summary.index("id_etab1_service") < summary.index("id_etab2_name")


def test_second_block_rendered_only_when_asked_for(at_establishment):
    page = page_text(at_establishment.client.get("/inscription/etablissement/"))
    assert "<legend>Deuxième établissement</legend>" not in page
    assert 'name="etab2_' not in page
    assert 'name="add_second"' not in page


def test_add_second_button_opens_the_block_keeping_typed_values(at_establishment):
    response = at_establishment.post(
        "establishment", action="add-second", etab1_service="Cardiologie", etab1_finess=""
    )
    assert response.status_code == 200
    assert not response.context["form"].errors
    page = page_text(response)
    assert "<legend>Deuxième établissement</legend>" in page
    assert 'data-reveal-when="id_add_second"' in page
    assert re.search(r'<input type="checkbox" name="add_second"[^>]* checked', page)
    assert 'value="Cardiologie"' in page
    assert 'name="etab2_query"' in page
    assert "Ajouter un deuxième établissement</button>" not in page
    assert 'class="field-error"' not in page


def test_add_second_then_next_keeps_the_second_establishment(at_establishment):
    at_establishment.post("establishment", action="add-second")
    response = at_establishment.post("establishment", **SECOND)
    assert response.status_code == 302
    assert len(cleaned(at_establishment)) == 2
    page = page_text(at_establishment.client.get("/inscription/etablissement/"))
    assert "<legend>Deuxième établissement</legend>" in page
    assert 'value="Oncologie"' in page


def test_second_block_with_typed_values_stays_drawn(at_establishment):
    response = at_establishment.post("establishment", etab1_service="", etab2_service="Oncologie")
    page = page_text(response)
    assert "<legend>Deuxième établissement</legend>" in page
    assert 'value="Oncologie"' in page
