"""Data set-up run INSIDE the cluster's database (a `python` subprocess with the nodes' env).

Each function returns JSON-serialisable data; `harness.Cluster.seed(name, **kwargs)` calls it.
"""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from kiosque.accounts import roles

_numbers = itertools.count(1)


def user(username, password=None, email=None, role=None, totp=False):
    account = get_user_model().objects.create_user(
        username=username,
        email=email or f"{username}@exemple.fr",
        password=password,
        first_name="Nathalie",
        last_name="Dupont",
    )
    if role:
        account.groups.add(Group.objects.get_or_create(name=role)[0])
    result = {"id": account.pk}
    if totp:
        from kiosque.mfa.tests.helpers import add_device

        _device, secret = add_device(account)
        result["totp_secret"] = secret
    return result


def session(username, methods=("password", "mail_code")):
    """A signed-in session key for `username`, as the staged sign-in leaves it."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    stored = client.session
    stored["_kiosque_amr"] = list(methods)
    stored.save()
    return stored.session_key


def reviewer(username):
    user(username, role=roles.ACCOUNT_MANAGERS)
    return session(username)


def registration(rpps="10000000009"):
    from kiosque.backoffice.tests.factories import make_registration
    from kiosque.directory.reference import load_reference_data

    load_reference_data()
    return make_registration(rpps=rpps).pk


def access_request(username, referent):
    """A pending DCC request of a new OncoCentre member, and a session of the DCC referent."""
    from kiosque.portal import demo
    from kiosque.portal.flows import request_access
    from kiosque.portal.forms import AccessRequestForm
    from kiosque.portal.models import Application, Community, CommunityMembership
    from kiosque.portal.tests.conftest import DCC_ANSWERS

    demo.load_catalogue()
    dcc = Application.objects.get(slug="dcc")
    member = get_user_model().objects.get(pk=user(username)["id"])
    CommunityMembership.objects.create(
        user=member,
        community=Community.objects.get(slug="oncocentre"),
        status=CommunityMembership.Status.MEMBER,
    )
    form = AccessRequestForm(dcc, member, data=DCC_ANSWERS)
    assert form.is_valid(), form.errors
    pending = request_access.submit(member, dcc, form.answers())
    user(referent, role=roles.APPLICATION_REFERENTS)
    dcc.referents.add(get_user_model().objects.get(username=referent))
    return {"request": pending.pk, "referent_session": session(referent)}


def oidc_client(slug, redirect_uri, username):
    """An OIDC client, a user with access to it and that user's session."""
    from django.utils import timezone

    from kiosque.oidc.flows import clients
    from kiosque.portal.models import AccessGrant, Application

    application = Application.objects.create(
        slug=slug, name=slug.upper(), launch_url=f"https://{slug}.example.org/"
    )
    client, secret = clients.register(application, redirect_uris=[redirect_uri])
    member = get_user_model().objects.get(pk=user(username)["id"])
    AccessGrant.objects.create(user=member, application=application, granted_at=timezone.now())
    return {
        "client_id": client.client_id,
        "secret": secret,
        "session": session(username, methods=("password", "totp")),
    }


def registration_ready():
    """Reference tables and the establishment the wizard's default answers name."""
    from kiosque.directory.models import Departement, Establishment
    from kiosque.directory.reference import load_reference_data
    from kiosque.directory.services.indexing import save_establishment

    load_reference_data()
    if not Establishment.objects.filter(finess="280503848").exists():
        save_establishment(
            Establishment(
                finess="280503848",
                name="AIRBP IRC DREUX",
                postal_code="28100",
                city="DREUX",
                departement=Departement.objects.get(pk="28"),
            )
        )
    return True


def outbox(prefix, count):
    """`count` e-mails in the outbox, to <prefix>-<n>@exemple.fr."""
    from django.db import transaction

    from kiosque.mail.services import enqueue

    with transaction.atomic():
        ids = [
            enqueue("mail/email/test", to=[f"{prefix}-{n}@exemple.fr"], context={}).message_id
            for n in range(count)
        ]
    return ids


def serve() -> None:
    """Answer JSON lines `[function, kwargs]` with `{"result": ...}` or `{"error": ...}`."""
    import json
    import sys
    import traceback

    from django.db import connections

    functions = globals()
    for line in sys.stdin:
        function, kwargs = json.loads(line)
        try:
            answer = {"result": functions[function](**kwargs)}
        except Exception:  # noqa: BLE001 - handed back to the test
            answer = {"error": traceback.format_exc()}
        finally:
            connections.close_all()  # the database may be restarted between two calls
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def bench_users(prefix, count, password):
    """`count` professionals able to sign in and to ask for the DCC (OncoCentre members)."""
    from kiosque.portal import demo
    from kiosque.portal.models import Community, CommunityMembership

    demo.load_catalogue()
    community = Community.objects.get(slug="oncocentre")
    for number in range(count):
        account = get_user_model().objects.get(
            pk=user(f"{prefix}{number}", password=password)["id"]
        )
        CommunityMembership.objects.create(
            user=account, community=community, status=CommunityMembership.Status.MEMBER
        )
    return count


def counts(prefix):
    """What the load left in the database, for the bench's report."""
    from kiosque.mail.models import OutboxMessage
    from kiosque.portal.models import AccessRequest
    from kiosque.registration.models import RegistrationRequest

    return {
        "registrations": RegistrationRequest.objects.filter(email_auth__startswith=prefix).count(),
        "access_requests": AccessRequest.objects.filter(user__username__startswith=prefix).count(),
        "outbox": {
            status: OutboxMessage.objects.filter(status=status).count()
            for status in OutboxMessage.Status.values
        },
    }


def bench_sso(prefix, slug, redirect_uri):
    """A relying party every `prefix*` professional may sign in to (portal tile + OIDC client)."""
    from django.utils import timezone

    from kiosque.oidc.flows import clients
    from kiosque.portal.models import AccessGrant, Application

    application = Application.objects.create(
        slug=slug, name=slug.upper(), launch_url=f"https://{slug}.example.org/"
    )
    client, secret = clients.register(application, redirect_uris=[redirect_uri])
    now = timezone.now()
    AccessGrant.objects.bulk_create(
        AccessGrant(user=member, application=application, granted_at=now)
        for member in get_user_model().objects.filter(username__startswith=prefix)
    )
    return {"client_id": client.client_id, "secret": secret}
