"""The README's run command, step by step, in real subprocesses on a fresh data dir."""

import re

import pytest

from kiosque.testing.processes import clean_env, http_get, run_kiosque, running, serving

pytestmark = pytest.mark.slow


@pytest.fixture
def fresh_env(tmp_path):
    # Always the embedded default (SQLite in the data dir), as `make run` uses it.
    return clean_env(tmp_path / "var")


def test_migrate_demo_serve_and_worker(fresh_env, tmp_path):
    migrate = run_kiosque("migrate", "--no-input", env=fresh_env)
    assert migrate.returncode == 0, migrate.stderr

    demo = run_kiosque("demo", env=fresh_env)
    assert demo.returncode == 0, demo.stderr
    passwords = re.findall(r"mot de passe (\S+) \(affiché une seule fois\)", demo.stdout)
    assert len(passwords) == 2, demo.stdout
    assert "identifiant gestionnaire" in demo.stdout
    assert "identifiant referent.dcc" in demo.stdout

    again = run_kiosque("demo", env=fresh_env)
    assert again.returncode == 0, again.stderr
    assert "affiché une seule fois" not in again.stdout
    assert not any(password in again.stdout for password in passwords)

    with (
        running("worker", env=fresh_env, log_path=tmp_path / "worker.log") as worker,
        serving(fresh_env, tmp_path / "serve.log", workers=2) as (base, _server),
    ):
        status, _headers, home = http_get(base + "/")
        assert status == 200
        assert '<html lang="fr">' in home
        assert "Environnement de développement" in home
        assert "Créer un compte" in home and "Se connecter" in home

        status, _headers, css = http_get(base + "/static/core/css/kiosque.css")
        assert status == 200 and ":focus-visible" in css

        status, _headers, mailbox = http_get(base + "/dev/mailbox/")
        assert status == 200
        assert "Boîte aux lettres de développement" in mailbox
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()


def test_demo_loads_the_guides_applications_and_staff_roles(fresh_env):
    assert run_kiosque("migrate", "--no-input", env=fresh_env).returncode == 0
    assert run_kiosque("demo", env=fresh_env).returncode == 0
    code = (
        "from kiosque.portal.models import Application as A;"
        "from kiosque.accounts.models import User as U;"
        "print(','.join(A.objects.values_list('slug', flat=True)));"
        "print(U.objects.get(username='gestionnaire').groups.get().name);"
        "print(A.objects.get(slug='dcc').referents.get().username)"
    )
    result = run_kiosque("shell", "--no-imports", "-c", code, env=fresh_env)
    assert result.returncode == 0, result.stderr
    slugs, reviewer_role, referent = result.stdout.strip().splitlines()
    assert {"dcc", "sphere", "ror", "madis"} <= set(slugs.split(","))
    assert reviewer_role == "Gestionnaire de comptes"
    assert referent == "referent.dcc"
