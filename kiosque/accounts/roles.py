"""Staff roles are Django groups, named as the platform team says them."""

ACCOUNT_MANAGERS = "Gestionnaire de comptes"
APPLICATION_REFERENTS = "Référent application"
ALL = (ACCOUNT_MANAGERS, APPLICATION_REFERENTS)


def has_role(user, role: str) -> bool:
    return user.is_authenticated and user.groups.filter(name=role).exists()
