"""Staff roles are Django groups, named as the platform team says them."""

ACCOUNT_MANAGERS = "Gestionnaire de comptes"
APPLICATION_REFERENTS = "Référent application"
ALL = (ACCOUNT_MANAGERS, APPLICATION_REFERENTS)

# What each role may do in the back-office (Django admin). Read-only for the reviewers: they
# act on accounts through /gestion/ (audited, mailed), never by editing rows. The referents
# edit their own applications only (portal/admin.py narrows the rows).
BACK_OFFICE_PERMISSIONS = {
    ACCOUNT_MANAGERS: (
        "audit.view_auditevent",
        "accounts.view_user",
        "accounts.view_connectionattempt",
        "core.view_ratelimitcounter",
        "professionals.view_professionalprofile",
        "registration.view_registrationrequest",
    ),
    APPLICATION_REFERENTS: (
        "portal.view_application",
        "portal.change_application",
        "portal.view_requestfield",
        "portal.add_requestfield",
        "portal.change_requestfield",
        "portal.delete_requestfield",
        "portal.view_applicationrole",
        "portal.add_applicationrole",
        "portal.change_applicationrole",
        "portal.delete_applicationrole",
        "portal.view_accessrequest",
        "portal.view_accessgrant",
    ),
}

# A page asks several role questions about the same request.user (the menu, the view): the
# names of its groups are read once per user instance, like Django's own permission caches.
_CACHE = "_kiosque_role_names"


def role_names(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    names = getattr(user, _CACHE, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _CACHE, names)
    return names


def has_role(user, role: str) -> bool:
    return role in role_names(user)


def forget_roles(sender, instance, **kwargs):
    """m2m_changed receiver (AccountsConfig.ready): a change of groups made through this very
    instance is seen at once."""
    if hasattr(instance, _CACHE):
        delattr(instance, _CACHE)
