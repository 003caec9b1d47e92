"""The staff roles as Django groups, with their back-office permissions (roles.py)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from kiosque.accounts import roles


@transaction.atomic
def ensure_role_groups() -> dict[str, Group]:
    """Create the role groups and give each the permissions roles.py lists (added to what an
    administrator may have given them, never taken away)."""
    groups = {}
    for name in roles.ALL:
        group, _created = Group.objects.get_or_create(name=name)
        wanted = roles.BACK_OFFICE_PERMISSIONS.get(name, ())
        permissions = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*permissions)
        groups[name] = group
    return groups
