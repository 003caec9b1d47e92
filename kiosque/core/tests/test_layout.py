import pytest


@pytest.mark.django_db
def test_home_page_is_french_with_dev_banner_and_both_entry_points(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Environnement de développement" in html
    assert "Se connecter" in html and "Créer un compte" in html
    assert 'href="#contenu"' in html and '<main id="contenu"' in html


@pytest.mark.django_db
def test_formation_banner_is_shown_on_every_page(client, settings):
    settings.KIOSQUE_ENV = "formation"
    for url in ("/", "/page-qui-n-existe-pas/"):
        assert "Base de formation" in client.get(url).content.decode()


@pytest.mark.django_db
def test_production_shows_no_banner(client, settings):
    settings.KIOSQUE_ENV = "production"
    html = client.get("/").content.decode()
    assert "Base de formation" not in html and "Environnement de développement" not in html


@pytest.mark.django_db
def test_signed_in_header_names_the_user(client, django_user_model):
    user = django_user_model.objects.create_user(
        "ndupont", password="x", first_name="Nathalie", last_name="Dupont"
    )
    client.force_login(user)
    assert "Connecté en tant que DUPONT Nathalie" in client.get("/", follow=True).content.decode()


@pytest.mark.django_db
def test_signed_in_header_shows_the_login_of_an_account_without_a_name(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("gestionnaire2", password="x"))
    html = client.get("/", follow=True).content.decode()
    assert "Connecté en tant que gestionnaire2" in html


@pytest.mark.django_db
def test_english_translation_is_available(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html and "Create an account" in html


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_not_found_page_is_french(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_static_assets_are_served_locally(client):
    html = client.get("/").content.decode()
    assert "http://" not in html.split("<body")[0].replace("http://www.w3.org", "")
    assert "https://" not in html.split("<body")[0]


@pytest.mark.django_db
def test_admin_is_not_at_the_default_path(client, settings):
    assert client.get("/admin/").status_code == 404
    response = client.get("/" + settings.KIOSQUE_ADMIN_PATH)
    assert response.status_code == 302


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("core/img/favicon.svg")
