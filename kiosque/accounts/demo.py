"""Demo staff: one account reviewer and one DCC referent. Passwords are printed once."""

from kiosque.accounts import roles
from kiosque.accounts.flows.staff_roles import ensure_role_groups
from kiosque.accounts.models import User
from kiosque.accounts.passwords import generate_password

DEMO_STAFF = [
    {
        "username": "gestionnaire",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "gestionnaire@kiosque.localhost",
        "role": roles.ACCOUNT_MANAGERS,
        "is_staff": True,
    },
    {
        "username": "referent.dcc",
        "first_name": "Julien",
        "last_name": "Bernard",
        "email": "referent.dcc@kiosque.localhost",
        "role": roles.APPLICATION_REFERENTS,
        "is_staff": True,
    },
]


def load(stdout) -> None:
    groups = ensure_role_groups()
    for spec in DEMO_STAFF:
        spec = dict(spec)
        role = spec.pop("role")
        user, created = User.objects.get_or_create(username=spec["username"], defaults=spec)
        user.groups.add(groups[role])
        if created:
            password = generate_password()
            user.set_password(password)
            user.save(update_fields=["password"])
            stdout.write(
                f"Compte de démonstration « {role} » : identifiant {user.username}, "
                f"mot de passe {password} (affiché une seule fois)"
            )
        else:
            stdout.write(f"Compte de démonstration « {role} » : {user.username} (déjà créé)")
