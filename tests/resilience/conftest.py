"""Fixtures of the resilience suite: throwaway PostgreSQL/Redis, an SMTP server, a cluster.

The cluster runs on its OWN PostgreSQL and Redis (never the machine's), so these tests run the
same in the SQLite and the PostgreSQL+Redis CI runs.
"""

import pytest

from kiosque.testing.cluster import ThrowawayPostgres, ThrowawayRedis
from kiosque.testing.smtp import SMTPTestServer
from tests.resilience.harness import Cluster, cluster_env


@pytest.fixture(scope="session")
def throwaway_pg():
    cluster = ThrowawayPostgres()
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def throwaway_redis():
    server = ThrowawayRedis()
    server.start()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def cluster_smtp():
    server = SMTPTestServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cluster(throwaway_pg, throwaway_redis, cluster_smtp, tmp_path_factory):
    """Two nodes + a worker on the throwaway PostgreSQL and Redis (shared by the session)."""
    data_dir = tmp_path_factory.mktemp("cluster")
    env = cluster_env(
        data_dir,
        database_url=throwaway_pg.createdb("kiosque"),
        redis_url=throwaway_redis.url(0),
        smtp_port=cluster_smtp.port,
    )
    nodes = Cluster(env, data_dir)
    nodes.migrate()
    nodes.start()
    yield nodes
    nodes.stop()


# --- Django test client fixtures (fast, in-process) -------------------------------------------

PASSWORD = "Correct-Horse-42!"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KIOSQUE_LOGIN_DELAY_SECONDS = 0


@pytest.fixture
def make_user(db):
    from tests.resilience import actors

    return actors.make_user


@pytest.fixture
def dcc(db):
    from kiosque.portal import demo
    from kiosque.portal.models import Application

    demo.load_catalogue()
    return Application.objects.get(slug="dcc")


@pytest.fixture
def people(db, dcc):
    """One actor per role, with the objects they own: see actors.People."""
    from tests.resilience import actors

    return actors.People.create(dcc)


@pytest.fixture
def make_oidc_client(db):
    """An application with its OIDC client (redirect URI http://127.0.0.1:8765/callback)."""
    import itertools

    from kiosque.oidc.flows import clients
    from kiosque.portal.models import Application

    numbers = itertools.count(1)

    def make():
        slug = f"rp{next(numbers)}"
        application = Application.objects.create(
            slug=slug, name=slug.upper(), launch_url=f"https://{slug}.example.org/"
        )
        return clients.register(
            application,
            redirect_uris=["http://127.0.0.1:8765/callback"],
            post_logout_redirect_uris=[f"https://{slug}.example.org/bye"],
        )

    return make
