"""The token lookups of the read paths: userinfo, introspection and revocation.

Each one is a single hand-written SELECT run through `connection.cursor()`: the ORM would
compile the same join (token, client, application, user, subject, profile, the access
grant's EXISTS) at every request, and that compilation was half of the endpoints' CPU
(docs/benchmarks.md, issue 17). The statements are built once per process from the models'
`_meta` (table and column names), the rows turned into model instances with the documented
`Model.from_db`, each value through its field's `from_db_value` / `to_python`. Fields not
listed here stay deferred: reading one loads it with a query of its own (correct, but slower:
list what the endpoints read).

Nothing is cached between requests: every lookup reads the token's revocation and expiry,
the account and the access grant as they are now. The decisions stay where they were: the
account rule and the access gate (`server.may_use`) run on the instances, and the grant's
EXISTS is the access service's own expression (portal.services.access.active_grant_sql).
"""

import dataclasses
import datetime
import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from kiosque.oidc.claims import Professional
from kiosque.oidc.models import Client, Subject, Token
from kiosque.portal.models import Application

__all__ = ["Found", "by_access_token", "by_either_token"]

# What the endpoints and the claims read, model by model (the primary key included).
CLIENT_FIELDS = ("id", "application", "client_id", "token_endpoint_auth_method",
                 "id_token_signed_response_alg", "may_introspect_all")  # fmt: skip
APPLICATION_FIELDS = ("id", "slug", "name", "requires_request", "required_level", "is_active")
USER_FIELDS = ("id", "username", "first_name", "last_name", "email", "is_active", "is_staff",
               "is_superuser", "is_locked", "locked_until", "deactivated_at")  # fmt: skip
SUBJECT_FIELDS = ("id", "user", "sub")
PROFILE_FIELDS = ("id", "user", "rpps", "adeli", "profession", "specialty", "title", "civility",
                  "rpps_verified", "registration_request_id")  # fmt: skip
PLACE_FIELDS = ("id", "profile", "position", "establishment", "finess", "name", "postal_code",
                "city", "function", "service")  # fmt: skip
SITE_FIELDS = ("finess", "finess_ej")


@dataclasses.dataclass(frozen=True)
class Found:
    """A token with what the endpoints read about it.

    `token.client.application`, `token.user` (None for a client's own token) and its
    `oidc_subject` are loaded; `grant_exists`: the user has an active grant to the
    application; `professional`: the profile and its places (by_access_token with
    places=True), for the `rpps` claims.
    """

    token: Token
    grant_exists: bool
    professional: Professional | None = None


class _Part:
    """The columns of one model in the statement, and the instance built from them."""

    def __init__(self, model, alias: str, names: tuple[str, ...]):
        wanted = {model._meta.get_field(name).attname for name in names}
        # Model.from_db takes the loaded values in the model's field order.
        self.fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
        self.model, self.alias = model, alias
        self.attnames = [field.attname for field in self.fields]
        self.width = len(self.fields)
        self.pk_index = self.attnames.index(model._meta.pk.attname)

    def columns(self) -> str:
        return ", ".join(f'{self.alias}."{field.column}"' for field in self.fields)

    def column(self, name: str) -> str:
        return f'{self.alias}."{self.model._meta.get_field(name).column}"'

    def pk(self) -> str:
        return f'{self.alias}."{self.model._meta.pk.column}"'

    def table(self) -> str:
        return f'"{self.model._meta.db_table}" {self.alias}'

    def build(self, values):
        """The instance, or None when the row has none (an outer join that found nothing)."""
        if values[self.pk_index] is None:
            return None
        loaded = [_python(field, value) for field, value in zip(self.fields, values, strict=True)]
        return self.model.from_db(connection.alias, self.attnames, loaded)


def _python(field, value):
    if value is None:
        return None
    if hasattr(field, "from_db_value"):
        value = field.from_db_value(value, None, connection)
    value = field.to_python(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        # SQLite stores UTC without an offset (no DATABASES TIME_ZONE here).
        value = timezone.make_aware(value, datetime.UTC)
    return value


@functools.cache
def _parts() -> dict[str, _Part]:
    from kiosque.directory.models import Establishment
    from kiosque.professionals.models import ProfessionalEstablishment, ProfessionalProfile

    token_fields = tuple(field.name for field in Token._meta.concrete_fields)
    return {
        "token": _Part(Token, "t", token_fields),
        "client": _Part(Client, "c", CLIENT_FIELDS),
        "application": _Part(Application, "a", APPLICATION_FIELDS),
        "user": _Part(get_user_model(), "u", USER_FIELDS),
        "subject": _Part(Subject, "s", SUBJECT_FIELDS),
        "profile": _Part(ProfessionalProfile, "p", PROFILE_FIELDS),
        "place": _Part(ProfessionalEstablishment, "e", PLACE_FIELDS),
        "site": _Part(Establishment, "d", SITE_FIELDS),
    }


@functools.cache
def _statement(where: str, places: bool) -> str:
    """The SELECT of `where` (over the token's alias `t`); values are parameters, and every
    name comes from the models' _meta, hence the string building."""
    from kiosque.portal.services.access import active_grant_sql

    p = _parts()
    token, client = p["token"], p["client"]
    joins = [
        f"INNER JOIN {client.table()} ON {client.pk()} = {token.column('client')}",
        f"INNER JOIN {p['application'].table()} "
        f"ON {p['application'].pk()} = {client.column('application')}",
        f"LEFT OUTER JOIN {p['user'].table()} ON {p['user'].pk()} = {token.column('user')}",
        f"LEFT OUTER JOIN {p['subject'].table()} "
        f"ON {p['subject'].column('user')} = {p['user'].pk()}",
        f"LEFT OUTER JOIN {p['profile'].table()} "
        f"ON {p['profile'].column('user')} = {p['user'].pk()}",
    ]
    order = [token.pk()]
    if places:
        place, site = p["place"], p["site"]
        joins += [
            f"LEFT OUTER JOIN {place.table()} ON {place.column('profile')} = {p['profile'].pk()}",
            f"LEFT OUTER JOIN {site.table()} ON {site.pk()} = {place.column('establishment')}",
        ]
        order += [place.column("position"), place.pk()]  # the model's order (profile, position)
    grant = active_grant_sql(token.column("user"), client.column("application"))
    columns = ", ".join(p[name].columns() for name in _names(places))
    return (
        f"SELECT {columns}, {grant} FROM {token.table()} {' '.join(joins)} "  # noqa: S608
        f"WHERE {where} ORDER BY {', '.join(order)}"
    )


def _names(places: bool) -> list[str]:
    names = ["token", "client", "application", "user", "subject", "profile"]
    return names + ["place", "site"] if places else names


def _split(row, names):
    parts, start = _parts(), 0
    for name in names:
        width = parts[name].width
        yield name, row[start : start + width]
        start += width


def _found(rows, places: bool) -> Found | None:
    if not rows:
        return None
    pk = _parts()["token"].pk_index
    rows = [row for row in rows if row[pk] == rows[0][pk]]  # the first token's
    parts, names = _parts(), _names(places)
    values = dict(_split(rows[0], names))
    token = parts["token"].build(values["token"])
    client = parts["client"].build(values["client"])
    client.application = parts["application"].build(values["application"])
    token.client = client
    user = parts["user"].build(values["user"])
    professional = None
    if user is not None:
        token.user = user
        # Assigning the one-to-one's forward side caches the reverse one on the user too.
        subject = parts["subject"].build(values["subject"])
        if subject is not None:
            subject.user = user
        profile = parts["profile"].build(values["profile"])
        if profile is not None:
            profile.user = user
        if places:
            professional = _professional(profile, [dict(_split(row, names)) for row in rows])
    return Found(token=token, grant_exists=bool(rows[0][-1]), professional=professional)


def _professional(profile, rows) -> Professional:
    parts = _parts()
    found = []
    for values in rows if profile is not None else ():
        place = parts["place"].build(values["place"])
        if place is None:
            continue
        place.profile = profile
        # A FINESS site gone from the directory (the foreign key has no constraint) reads as
        # no site, as the ORM's join does.
        place.establishment = parts["site"].build(values["site"])
        found.append(place)
    return Professional(profile=profile, places=found)


def _run(where: str, params: list, places: bool) -> Found | None:
    with connection.cursor() as cursor:
        cursor.execute(_statement(where, places), params)
        rows = cursor.fetchall()
    return _found(rows, places)


def by_access_token(digest: str, places: bool = False) -> Found | None:
    """The token whose access token hashes to `digest` (userinfo); with `places`, the
    profile's places of practice in the same statement."""
    token = _parts()["token"]
    return _run(f"{token.column('access_token_hash')} = %s", [digest], places)


def by_either_token(digest: str) -> Found | None:
    """The token one of whose two tokens hashes to `digest` (introspection, revocation: the
    hint is only a hint), over both unique indexes."""
    token = _parts()["token"]
    where = f"{token.column('access_token_hash')} = %s OR {token.column('refresh_token_hash')} = %s"
    # Two rows only if one token's access hash were another's refresh hash: the first issued.
    return _run(where, [digest, digest], False)
