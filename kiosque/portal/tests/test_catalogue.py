"""The catalogue: demo content and each application's own request form."""

import pytest

from kiosque.portal import demo
from kiosque.portal.forms import AccessRequestForm
from kiosque.portal.models import Application, Community, RequestField

pytestmark = pytest.mark.django_db


def test_demo_loads_the_guides_applications_and_communities():
    demo.load_catalogue()
    demo.load_catalogue()  # idempotent
    slugs = set(Application.objects.values_list("slug", flat=True))
    assert {"dcc", "sphere", "ror", "madis"} <= slugs
    assert {"paerpa", "e-parcours", "veille-sanitaire", "teleexpertise", "omedit"} <= slugs
    assert {"teleconsultation"} <= slugs
    names = set(Community.objects.values_list("name", flat=True))
    assert {"OncoCentre", "GHT 18", "GHT 28", "C.R.I.M"} <= names
    dcc = Application.objects.get(slug="dcc")
    assert dcc.request_fields.count() == 3
    assert list(dcc.required_communities.values_list("slug", flat=True)) == ["oncocentre"]
    labels = list(dcc.roles.values_list("label", flat=True))
    assert "Participant aux RCP" in labels
    assert "Secrétariat 3C" in labels
    assert "Inscription de patients en RCP — RCP Sein Tours" in labels
    assert "Inscription de patients en RCP — RCP Digestif Orléans" in labels


def test_demo_loads_the_referent():
    """What `kiosque demo` runs for accounts then portal (INSTALLED_APPS order)."""
    import io

    from kiosque.accounts import demo as accounts_demo

    out = io.StringIO()
    accounts_demo.load(out)
    demo.load(out)
    assert "Applications de démonstration : 10, communautés : 5" in out.getvalue()
    dcc = Application.objects.get(slug="dcc")
    assert list(dcc.referents.values_list("username", flat=True)) == ["referent.dcc"]


def test_dcc_form_renders_the_guides_fields(dcc, make_user):
    html = AccessRequestForm(dcc, make_user()).as_div()
    assert "Téléphone professionnel" in html
    assert "Statut sur le lieu d&#x27;exercice principal" in html
    assert "Libéral" in html and "Salarié" in html
    assert "Confirmez-vous votre demande d&#x27;inscription au Dossier Communicant" in html
    assert html.count("required") >= 3


def test_dcc_form_requires_every_field(dcc, make_user):
    form = AccessRequestForm(dcc, make_user(), data={})
    assert not form.is_valid()
    assert set(form.errors) == {"telephone-professionnel", "statut", "confirmation"}
    assert form.errors["statut"] == ["Ce champ est obligatoire."]


def test_choice_outside_the_list_is_refused(dcc, make_user, dcc_answers):
    form = AccessRequestForm(dcc, make_user(), data={**dcc_answers, "statut": "Retraité"})
    assert not form.is_valid()
    assert "Sélectionnez un choix valide" in form.errors["statut"][0]


def test_confirmation_answered_no_is_refused(dcc, make_user, dcc_answers):
    form = AccessRequestForm(dcc, make_user(), data={**dcc_answers, "confirmation": "non"})
    assert not form.is_valid()
    assert "répondez « Oui »" in form.errors["confirmation"][0]


def test_answers_keep_the_labels(dcc, make_user, dcc_answers):
    form = AccessRequestForm(dcc, make_user(), data=dcc_answers)
    assert form.is_valid()
    assert form.answers() == [
        {
            "key": "telephone-professionnel",
            "label": "Téléphone professionnel",
            "value": "02 47 00 00 00",
        },
        {
            "key": "statut",
            "label": "Statut sur le lieu d'exercice principal",
            "value": "Salarié",
        },
        {
            "key": "confirmation",
            "label": "Confirmez-vous votre demande d'inscription au Dossier Communicant de "
            "Cancérologie ?",
            "value": "Oui",
        },
    ]


def test_optional_field_may_be_left_empty(make_application, make_user):
    application = make_application()
    RequestField.objects.create(
        application=application, key="commentaire", label="Commentaire", required=False
    )
    form = AccessRequestForm(application, make_user(), data={})
    assert form.is_valid()
    assert form.answers() == [{"key": "commentaire", "label": "Commentaire", "value": ""}]


def test_phone_is_prefilled_from_the_professional_profile(dcc, make_user):
    from kiosque.directory.models import Profession
    from kiosque.professionals.models import ProfessionalProfile

    user = make_user()
    profession, _ = Profession.objects.get_or_create(code="10", defaults={"label": "Médecin"})
    ProfessionalProfile.objects.create(
        user=user, profession=profession, phone_professional="02 47 47 47 47"
    )
    form = AccessRequestForm(dcc, user)
    assert form["telephone-professionnel"].value() == "02 47 47 47 47"


def test_request_page_shows_the_dcc_text_and_the_3c_note(client, dcc, make_user):
    client.force_login(make_user())
    response = client.get("/applications/dcc/demande/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Inscription au Dossier Communicant de Cancérologie" in html
    assert "système d&#x27;information et de communication régional" in html
    assert "Pour les médecins qui ont besoin d&#x27;inscrire un patient" in html
    assert "Votre demande d'inscription" in html
    assert "DEMANDER MON INSCRIPTION" in html
    assert "vous acceptez les conditions d&#x27;utilisation de la plateforme" in html
    assert "<legend>Statut sur le lieu d&#x27;exercice principal" in html


def test_admin_pages_render(admin_client, dcc):
    for url in (
        "/gestion/admin/portal/application/",
        f"/gestion/admin/portal/application/{dcc.pk}/change/",
        "/gestion/admin/portal/community/",
        "/gestion/admin/portal/accessrequest/",
        "/gestion/admin/portal/accessgrant/",
    ):
        assert admin_client.get(url).status_code == 200, url
