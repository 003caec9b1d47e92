"""Each application's required authentication level: set by the platform team in the
back-office, not by its referent; the demo's DCC requires TOTP or stronger."""

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse

from kiosque.mfa import levels
from kiosque.portal.admin import ApplicationAdmin
from kiosque.portal.models import Application

pytestmark = pytest.mark.django_db


def test_an_application_requires_a_mail_code_by_default(make_application):
    assert make_application().required_level == levels.MAIL_CODE


def test_the_demo_dcc_requires_totp(dcc):
    assert dcc.required_level == levels.TOTP
    others = Application.objects.exclude(slug="dcc").values_list("required_level", flat=True)
    assert set(others) == {levels.MAIL_CODE}


def test_the_platform_team_sets_it_in_the_back_office(client, make_user, make_application):
    application = make_application()
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:portal_application_change", args=[application.pk]))
    assert page.status_code == 200
    assert 'name="required_level"' in page.content.decode()


def test_a_referent_cannot_lower_it(rf, make_referent, make_application):
    application = make_application()
    request = rf.get("/")
    request.user = make_referent(application)
    model_admin = ApplicationAdmin(Application, site)
    assert "required_level" in model_admin.get_readonly_fields(request, application)


def _home(client, user, methods):
    client.force_login(user)
    session = client.session
    session["_kiosque_amr"] = list(methods)
    session.save()
    return client.get(reverse("portal:home")).content.decode()


def _tile(page, slug):
    start = page.index(f'id="tuile-{slug}"')
    return page[start : page.index("</li>", start)]


MENTION = "Authentification plus forte demandée"


def test_the_tiles_show_which_applications_need_a_stronger_means(
    client, make_user, make_application, grant
):
    strong = make_application(slug="strong", required_level=levels.TOTP)
    usual = make_application(slug="usual")
    user = make_user()
    grant(user, strong)
    grant(user, usual)
    page = _home(client, user, ("password", "mail_code"))
    assert MENTION in _tile(page, "strong")
    assert MENTION not in _tile(page, "usual")
    page = _home(Client(), user, ("password", "totp"))
    assert MENTION not in _tile(page, "strong")
