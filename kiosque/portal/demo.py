"""Demo catalogue: the applications of the 2025 guide and those of the older guide."""

from kiosque.accounts.models import User
from kiosque.mfa import levels
from kiosque.oidc.demo import rp_url
from kiosque.portal.models import Application, ApplicationRole, Community, RequestField

DCC_DESCRIPTION = (
    "Le Dossier Communicant de Cancérologie (DCC) est un système d'information et de "
    "communication régional qui permet le partage et l'échange de données médicales entre "
    "professionnels de santé, hospitaliers et libéraux, qui définissent ainsi collégialement "
    "une orientation thérapeutique pour tout patient atteint de cancer.\n\n"
    "Le DCC, inscrit dans le plan cancer 1 et prolongé dans les plans cancer 2 et 3, garantit "
    "la sécurité et la confidentialité des données médicales.\n\n"
    "Il a pour objectif de :\n"
    "- Proposer un outil de gestion des RCP (Réunions de Concertation Pluridisciplinaires) en "
    "cancérologie. Ces RCP sont des fiches dématérialisées, structurées et partagées,\n"
    "- Partager les comptes-rendus opératoires ou tout autre document approprié permettant de "
    "déterminer le traitement adéquat,\n"
    "- Gérer les outils et les services nécessaires à l'activité de cancérologie : annuaire des "
    "RCP, gestion informatisée des RCP, accès aux recommandations de pratique clinique et au "
    "registre des essais cliniques."
)

APPLICATIONS = [
    (
        "dcc",
        "DCC",
        "Dossier Communicant de Cancérologie",
        DCC_DESCRIPTION,
        None,  # the DCC demo relying party: KIOSQUE_DCC_DEMO_URL (see dcc_addresses)
    ),
    (
        "sphere",
        "Sphere",
        "Sphere",
        "Coordination des parcours de soins.",
        "https://sphere.example.org/",
    ),
    (
        "ror",
        "ROR",
        "Répertoire Opérationnel des Ressources",
        "Offre de soins régionale.",
        "https://ror.example.org/",
    ),
    (
        "madis",
        "Madis",
        "Madis",
        "Messagerie et partage de documents.",
        "https://madis.example.org/",
    ),
    (
        "paerpa",
        "PAERPA",
        "Personnes Âgées En Risque de Perte d'Autonomie",
        "",
        "https://paerpa.example.org/",
    ),
    ("e-parcours", "E-Parcours", "E-Parcours", "", "https://e-parcours.example.org/"),
    ("veille-sanitaire", "Veille Sanitaire", "Veille Sanitaire", "", "https://veille.example.org/"),
    ("teleexpertise", "Téléexpertise", "Téléexpertise", "", "https://teleexpertise.example.org/"),
    (
        "omedit",
        "Omédit Observatoire",
        "Observatoire de l'OMéDIT",
        "",
        "https://omedit.example.org/",
    ),
    (
        "teleconsultation",
        "Téléconsultation",
        "Téléconsultation",
        "",
        "https://teleconsultation.example.org/",
    ),
]


COMMUNITIES = [
    ("oncocentre", "OncoCentre", "Réseau régional de cancérologie."),
    ("ght-18", "GHT 18", "Groupement hospitalier de territoire du Cher."),
    ("ght-28", "GHT 28", "Groupement hospitalier de territoire d'Eure-et-Loir."),
    ("crim", "C.R.I.M", ""),
    (
        "securite-si",
        "Sécurité systèmes d'information, protection des données",
        "",
    ),
]

REQUIRED_COMMUNITIES = {"dcc": ["oncocentre"]}

DCC_REQUEST = {
    "request_title": "Inscription au Dossier Communicant de Cancérologie",
    "request_note": (
        "Pour les médecins qui ont besoin d'inscrire un patient dans une ou plusieurs RCP, il "
        "est nécessaire d'en faire la demande auprès du 3C au préalable, pour que celui-ci "
        "modifie les paramètres de la RCP concernée."
    ),
    "terms_note": (
        "En complétant ce formulaire vous acceptez les conditions d'utilisation de la plateforme."
    ),
}

DCC_FIELDS = [
    {
        "key": "telephone-professionnel",
        "label": "Téléphone professionnel",
        "kind": RequestField.Kind.PHONE,
        "required": True,
        "prefill": RequestField.Prefill.PROFESSIONAL_PHONE,
    },
    {
        "key": "statut",
        "label": "Statut sur le lieu d'exercice principal",
        "kind": RequestField.Kind.CHOICE,
        "required": True,
        "choices": "Libéral\nSalarié",
    },
    {
        "key": "confirmation",
        "label": (
            "Confirmez-vous votre demande d'inscription au Dossier Communicant de Cancérologie ?"
        ),
        "kind": RequestField.Kind.YES_NO,
        "required": True,
        "must_be_yes": True,
    },
]

DCC_ROLES = [
    ("participant-rcp", "Participant aux RCP"),
    ("inscription-rcp-sein-tours", "Inscription de patients en RCP — RCP Sein Tours"),
    ("inscription-rcp-digestif-orleans", "Inscription de patients en RCP — RCP Digestif Orléans"),
    ("inscription-rcp-thorax-blois", "Inscription de patients en RCP — RCP Thorax Blois"),
    ("secretariat-3c", "Secrétariat 3C"),
]

GENERIC_FIELDS = [
    {
        "key": "structure",
        "label": "Structure ou établissement concerné",
        "kind": RequestField.Kind.TEXT,
        "required": False,
        "help_text": "Si l'accès concerne une structure précise.",
    },
]

GENERIC_ROLES = [("utilisateur", "Utilisateur")]


def _load_communities() -> None:
    for position, (slug, name, description) in enumerate(COMMUNITIES, start=1):
        Community.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def _load_fields(application: Application, fields: list[dict]) -> None:
    for position, spec in enumerate(fields, start=1):
        spec = dict(spec)
        RequestField.objects.update_or_create(
            application=application, key=spec.pop("key"), defaults={**spec, "position": position}
        )


def _load_roles(application: Application, roles: list[tuple[str, str]]) -> None:
    for position, (code, label) in enumerate(roles, start=1):
        ApplicationRole.objects.update_or_create(
            application=application, code=code, defaults={"label": label, "position": position}
        )


def dcc_addresses() -> dict:
    """The DCC tile opens the demo relying party signed in (third-party-initiated login)."""
    return {"launch_url": f"{rp_url()}/", "initiate_login_uri": f"{rp_url()}/initiate-login"}


def load_catalogue() -> list[Application]:
    _load_communities()
    applications = []
    for position, (slug, name, long_name, description, url) in enumerate(APPLICATIONS, start=1):
        extra = {**DCC_REQUEST, **dcc_addresses()} if slug == "dcc" else {"launch_url": url}
        # Health data: the DCC opens with TOTP, a passkey or Pro Santé Connect, never with a
        # mailed code alone (docs/identification-levels.md).
        extra["required_level"] = levels.TOTP if slug == "dcc" else levels.MAIL_CODE
        application, _ = Application.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "long_name": long_name,
                "description": description,
                "tile": f"portal/tiles/{slug}.svg",
                # Every application of the guides is asked for (at registration, as an
                # interest, or later from "Demandes d'accès"), Omédit Observatoire included.
                "requires_request": True,
                "position": position * 10,
                **extra,
            },
        )
        application.required_communities.set(
            Community.objects.filter(slug__in=REQUIRED_COMMUNITIES.get(slug, []))
        )
        is_dcc = slug == "dcc"
        _load_fields(application, DCC_FIELDS if is_dcc else GENERIC_FIELDS)
        _load_roles(application, DCC_ROLES if is_dcc else GENERIC_ROLES)
        applications.append(application)
    return applications


def load(stdout) -> None:
    applications = load_catalogue()
    referent = User.objects.filter(username="referent.dcc").first()
    if referent:
        Application.objects.get(slug="dcc").referents.add(referent)
    stdout.write(
        f"Applications de démonstration : {len(applications)}, communautés : {len(COMMUNITIES)}"
    )
