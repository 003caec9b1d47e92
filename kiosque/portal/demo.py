"""Demo catalogue: the applications of the 2025 guide and those of the older guide."""

from kiosque.accounts.models import User
from kiosque.portal.models import Application

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
        "http://127.0.0.1:8001/",
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


def load(stdout) -> None:
    for position, (slug, name, long_name, description, url) in enumerate(APPLICATIONS, start=1):
        Application.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "long_name": long_name,
                "description": description,
                "tile": f"portal/tiles/{slug}.svg",
                "launch_url": url,
                "requires_request": True,
                "position": position * 10,
            },
        )
    referent = User.objects.filter(username="referent.dcc").first()
    if referent:
        Application.objects.get(slug="dcc").referents.add(referent)
    stdout.write(f"Applications de démonstration : {len(APPLICATIONS)}")
