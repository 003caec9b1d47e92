"""The demo data point the DCC at the demo relying party's address, a setting
(KIOSQUE_DCC_DEMO_URL), not a hard-coded port."""

import io
import json

import pytest

from kiosque.oidc import demo as oidc_demo
from kiosque.oidc.models import Client
from kiosque.portal import demo as portal_demo
from kiosque.portal.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KIOSQUE_DCC_DEMO_URL = "http://127.0.0.1:9123"
    return settings


def _load():
    portal_demo.load_catalogue()
    oidc_demo.load(io.StringIO())
    return Client.objects.get(application__slug="dcc")


def _addresses(client):
    return (
        " ".join(client.redirect_uris),
        " ".join(client.post_logout_redirect_uris),
        client.backchannel_logout_uri,
    )


def test_tile_and_client_follow_the_setting(demo_settings, tmp_path):
    client = _load()
    dcc = Application.objects.get(slug="dcc")
    assert dcc.launch_url == "http://127.0.0.1:9123/"
    assert dcc.initiate_login_uri == "http://127.0.0.1:9123/initiate-login"
    assert _addresses(client) == (
        "http://127.0.0.1:9123/callback",
        "http://127.0.0.1:9123/",
        "http://127.0.0.1:9123/backchannel-logout",
    )
    config = json.loads((tmp_path / "dcc_demo_client.json").read_text())
    assert config["url"] == "http://127.0.0.1:9123"


def test_a_new_address_re_points_the_existing_client_and_keeps_its_secret(demo_settings, tmp_path):
    first = _load()
    secret = json.loads((tmp_path / "dcc_demo_client.json").read_text())["client_secret"]
    demo_settings.KIOSQUE_DCC_DEMO_URL = "http://localhost:8042"
    again = _load()
    assert again.pk == first.pk
    assert _addresses(again)[0] == "http://localhost:8042/callback"
    assert Application.objects.get(slug="dcc").launch_url == "http://localhost:8042/"
    config = json.loads((tmp_path / "dcc_demo_client.json").read_text())
    assert config == {**config, "url": "http://localhost:8042", "client_secret": secret}


@pytest.mark.parametrize(
    ("url", "bind"),
    [
        ("http://127.0.0.1:8001", "127.0.0.1:8001"),
        ("http://localhost:9000", "localhost:9000"),
        ("http://dcc-demo.localhost", "dcc-demo.localhost:80"),
    ],
)
def test_devserver_binds_the_demo_where_the_setting_says(settings, url, bind):
    settings.KIOSQUE_DCC_DEMO_URL = url
    assert oidc_demo.rp_bind() == bind


def test_the_setting_is_read_from_the_environment(tmp_path):
    from kiosque.testing.processes import clean_env, run_kiosque

    env = clean_env(tmp_path / "var", KIOSQUE_DCC_DEMO_URL="http://127.0.0.1:8123/")
    result = run_kiosque(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.KIOSQUE_DCC_DEMO_URL)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8123"
