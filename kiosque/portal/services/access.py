"""Who may open which application: the contract the OIDC provider relies on.

Each call reads the database, so a grant, a role change or a revocation is reflected in the
very next token or page.
"""

from django.db.models import Exists, OuterRef

from kiosque.accounts.backends import account_can_authenticate
from kiosque.portal.models import AccessGrant, Application, TilePreference

__all__ = [
    "account_is_usable",
    "has_access",
    "has_access_given",
    "active_grant_exists",
    "active_grant_sql",
    "granted_roles",
    "applications_for",
    "catalogue_for",
]


def account_is_usable(user) -> bool:
    """False for anonymous accounts and those the account rule refuses (accounts.backends)."""
    return account_can_authenticate(user)


def _active_grants(user):
    return AccessGrant.objects.filter(user=user, revoked_at__isnull=True)


def has_access(user, application: Application) -> bool:
    if not account_is_usable(user) or not application.is_active:
        return False
    if not application.requires_request:
        return True
    return _active_grants(user).filter(application=application).exists()


def active_grant_exists(user_ref: str, application_ref: str) -> Exists:
    """An expression for has_access_given, to annotate a query that already reads the user
    and the application (`user_ref`, `application_ref`: their primary keys' paths)."""
    return Exists(
        AccessGrant.objects.filter(
            user=OuterRef(user_ref), application=OuterRef(application_ref), revoked_at__isnull=True
        )
    )


def active_grant_sql(user_column: str, application_column: str) -> str:
    """active_grant_exists for a hand-written statement (oidc.lookup): an SQL boolean over
    the statement's columns `user_column` and `application_column` (qualified, quoted)."""
    meta = AccessGrant._meta
    user, application = meta.get_field("user").column, meta.get_field("application").column
    revoked = meta.get_field("revoked_at").column
    return (
        f'EXISTS (SELECT 1 FROM "{meta.db_table}" g WHERE g."{user}" = {user_column} '  # noqa: S608
        f'AND g."{application}" = {application_column} AND g."{revoked}" IS NULL)'
    )


def has_access_given(user, application: Application, grant_exists: bool) -> bool:
    """has_access, with the active grant's existence read beforehand (active_grant_exists)."""
    return account_is_usable(user) and _open_given(application, grant_exists)


def _open_given(application: Application, grant_exists: bool) -> bool:
    """The application's half of has_access_given, for a user whose account is usable."""
    return application.is_active and (grant_exists or not application.requires_request)


def granted_roles(user, application: Application) -> list[str]:
    if not account_is_usable(user) or not application.is_active:
        return []
    grant = _active_grants(user).filter(application=application).first()
    if grant is None:
        return []
    return list(grant.roles.order_by("position", "code").values_list("code", flat=True))


def catalogue_for(user) -> tuple[list[Application], list[Application]]:
    """The whole catalogue in one query, split by has_access_given's rule: the applications
    `user` may open (as applications_for orders them), then every other one (inactive ones
    included, for the follow-up of old requests)."""
    if not account_is_usable(user):  # has_access_given's first half, once for all
        return [], list(Application.objects.all())
    applications = Application.objects.annotate(
        grant_exists=Exists(_active_grants(user).filter(application=OuterRef("pk")))
    )
    mine, others = [], []
    for application in applications:
        (mine if _open_given(application, application.grant_exists) else others).append(application)
    if mine:
        _order(user, mine)
    return mine, others


def _order(user, applications: list[Application]) -> None:
    """Favourites first, then the user's order, then the catalogue's; sets `is_favourite`."""
    preferences = {pref.application_id: pref for pref in TilePreference.objects.filter(user=user)}

    def sort_key(application):
        pref = preferences.get(application.pk)
        if pref is None:
            # Never placed by the user: after the placed ones, in catalogue order.
            return (1, 1, application.position, application.name.lower(), application.pk)
        return (0 if pref.is_favourite else 1, 0, pref.position, "", application.pk)

    applications.sort(key=sort_key)
    for application in applications:
        pref = preferences.get(application.pk)
        application.is_favourite = bool(pref and pref.is_favourite)


def applications_for(user) -> list[Application]:
    """ "Vos applications": favourites first, then the user's order, then the catalogue's."""
    if not account_is_usable(user):
        return []
    return catalogue_for(user)[0]
