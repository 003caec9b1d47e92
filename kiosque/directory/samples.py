"""Synthetic extraction files in the official formats, for the demo, the tests and the benches.

The FINESS numbers, RPPS numbers and people are generated (valid Luhn keys, deterministic
for a given seed): they look like the public extractions but are not real records.
Towns, postal codes, départements and category codes (TRE_R66) are real.

    python bench/make_finess_sample.py            # rewrites the two shipped samples
    python bench/make_finess_sample.py --count 100000 --national /tmp/finess_100k.csv
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosque.directory.validators import luhn_check_digit

SAMPLES_DIR = Path(__file__).resolve().parent / "data" / "samples"
FINESS_SAMPLE = SAMPLES_DIR / "finess_centre_val_de_loire.csv"
ANNUAIRE_SAMPLE = SAMPLES_DIR / "annuaire_sample.txt"
EXTRACTION_DATE = "2025-01-15"
GEO_SOURCE = "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93"

# (département code in FINESS, label, [(town, postal code)])
CVL_TOWNS = {
    "18": (
        "CHER",
        [
            ("Bourges", "18000"),
            ("Vierzon", "18100"),
            ("Saint-Amand-Montrond", "18200"),
            ("Saint-Doulchard", "18230"),
            ("Aubigny-sur-Nère", "18700"),
            ("Sancerre", "18300"),
            ("Mehun-sur-Yèvre", "18500"),
        ],
    ),
    "28": (
        "EURE-ET-LOIR",
        [
            ("Chartres", "28000"),
            ("Dreux", "28100"),
            ("Châteaudun", "28200"),
            ("Nogent-le-Rotrou", "28400"),
            ("Lucé", "28110"),
            ("Mainvilliers", "28300"),
            ("Vernouillet", "28500"),
            ("Bonneval", "28800"),
        ],
    ),
    "36": (
        "INDRE",
        [
            ("Châteauroux", "36000"),
            ("Issoudun", "36100"),
            ("Le Blanc", "36300"),
            ("La Châtre", "36400"),
            ("Argenton-sur-Creuse", "36200"),
            ("Buzançais", "36500"),
        ],
    ),
    "37": (
        "INDRE-ET-LOIRE",
        [
            ("Tours", "37000"),
            ("Joué-lès-Tours", "37300"),
            ("Saint-Cyr-sur-Loire", "37540"),
            ("Chambray-lès-Tours", "37170"),
            ("Saint-Avertin", "37550"),
            ("Saint-Pierre-des-Corps", "37700"),
            ("Amboise", "37400"),
            ("Chinon", "37500"),
            ("Loches", "37600"),
        ],
    ),
    "41": (
        "LOIR-ET-CHER",
        [
            ("Blois", "41000"),
            ("Vendôme", "41100"),
            ("Romorantin-Lanthenay", "41200"),
            ("La Chaussée-Saint-Victor", "41260"),
            ("Montoire-sur-le-Loir", "41800"),
            ("Saint-Aignan", "41110"),
        ],
    ),
    "45": (
        "LOIRET",
        [
            ("Orléans", "45000"),
            ("Olivet", "45160"),
            ("Fleury-les-Aubrais", "45400"),
            ("Saint-Jean-de-Braye", "45800"),
            ("Saran", "45770"),
            ("Montargis", "45200"),
            ("Amilly", "45200"),
            ("Gien", "45500"),
            ("Pithiviers", "45300"),
        ],
    ),
}
# Extra towns for the national benchmark file (FINESS département codes: 2A/2B, 9A..9D).
NATIONAL_TOWNS = {
    "75": ("PARIS", [("Paris", "75013"), ("Paris", "75014"), ("Paris", "75015")]),
    "69": ("RHONE", [("Lyon", "69003"), ("Villeurbanne", "69100"), ("Bron", "69500")]),
    "13": ("BOUCHES-DU-RHONE", [("Marseille", "13005"), ("Aix-en-Provence", "13100")]),
    "59": ("NORD", [("Lille", "59000"), ("Roubaix", "59100"), ("Dunkerque", "59140")]),
    "33": ("GIRONDE", [("Bordeaux", "33000"), ("Pessac", "33600")]),
    "44": ("LOIRE-ATLANTIQUE", [("Nantes", "44000"), ("Saint-Nazaire", "44600")]),
    "31": ("HAUTE-GARONNE", [("Toulouse", "31000"), ("Muret", "31600")]),
    "67": ("BAS-RHIN", [("Strasbourg", "67000"), ("Haguenau", "67500")]),
    "35": ("ILLE-ET-VILAINE", [("Rennes", "35000"), ("Saint-Malo", "35400")]),
    "34": ("HERAULT", [("Montpellier", "34000"), ("Béziers", "34500")]),
    "06": ("ALPES-MARITIMES", [("Nice", "06000"), ("Cannes", "06400")]),
    "72": ("SARTHE", [("Le Mans", "72000"), ("La Flèche", "72200")]),
    "86": ("VIENNE", [("Poitiers", "86000"), ("Châtellerault", "86100")]),
    "2A": ("CORSE-DU-SUD", [("Ajaccio", "20000"), ("Porto-Vecchio", "20137")]),
    "2B": ("HAUTE-CORSE", [("Bastia", "20200"), ("Corte", "20250")]),
    "9A": ("GUADELOUPE", [("Pointe-à-Pitre", "97110"), ("Les Abymes", "97139")]),
    "9B": ("MARTINIQUE", [("Fort-de-France", "97200")]),
    "9C": ("GUYANE", [("Cayenne", "97300")]),
    "9D": ("LA REUNION", [("Saint-Denis", "97400"), ("Saint-Pierre", "97410")]),
}
FINESS_PREFIX = {"9A": "971", "9B": "972", "9C": "973", "9D": "974"}

# TRE_R66 categories: code -> label (official labels).
CATEGORIES = {
    "101": "Centre Hospitalier Régional (C.H.R.)",
    "106": "Centre hospitalier, ex Hôpital local",
    "109": "Etablissement de santé privé autorisé en SSR",
    "124": "Centre de Santé",
    "127": "Hospitalisation à Domicile",
    "129": "Etablissement de Soins Médicaux",
    "141": "Centre de dialyse",
    "156": "Centre Médico-Psychologique (C.M.P.)",
    "292": "Centre Hospitalier Spécialisé lutte Maladies Mentales",
    "354": "Service de Soins Infirmiers A Domicile (S.S.I.A.D)",
    "355": "Centre Hospitalier (C.H.)",
    "357": "Association Aide aux Insuffisants Respiratoires",
    "365": "Etablissement de Soins Pluridisciplinaire",
    "500": "Etablissement d'hébergement pour personnes âgées dépendantes",
    "603": "Maison de santé (L.6223-3)",
    "607": "Groupement Régional d'Appui au Développement de la e-Santé (GRADeS)",
    "611": "Laboratoire de Biologie Médicale",
    "614": "Dispositif Spécifique Régional du Cancer (DSRC)",
    "620": "Pharmacie d'Officine",
}

# Named sites of the regional sample: (name, long name, category, town, street).
LANDMARKS = [
    (
        "CHU de Tours - Hôpital Bretonneau",
        "Centre hospitalier régional universitaire de Tours, hôpital Bretonneau",
        "101",
        "Tours",
        ("2", "BD", "Tonnellé"),
    ),
    (
        "CHU de Tours - Hôpital Trousseau",
        "Centre hospitalier régional universitaire de Tours, hôpital Trousseau",
        "101",
        "Chambray-lès-Tours",
        ("", "AV", "de la République"),
    ),
    (
        "CHU de Tours - Hôpital Clocheville",
        "Centre hospitalier régional universitaire de Tours, hôpital Clocheville",
        "101",
        "Tours",
        ("49", "BD", "Béranger"),
    ),
    (
        "CHR d'Orléans",
        "Centre hospitalier régional d'Orléans",
        "101",
        "Orléans",
        ("14", "AV", "de l'Hôpital"),
    ),
    (
        "Centre hospitalier de Dreux",
        "Centre hospitalier Victor Jousselin de Dreux",
        "355",
        "Dreux",
        ("44", "AV", "du Président Kennedy"),
    ),
    (
        "Hôpitaux de Chartres - Louis Pasteur",
        "Centre hospitalier de Chartres, hôpital Louis Pasteur",
        "355",
        "Chartres",
        ("4", "R", "Claude Bernard"),
    ),
    (
        "Centre hospitalier Jacques Coeur",
        "Centre hospitalier Jacques Coeur de Bourges",
        "355",
        "Bourges",
        ("145", "AV", "François Mitterrand"),
    ),
    (
        "Centre hospitalier de Châteauroux",
        "Centre hospitalier de Châteauroux-Le Blanc",
        "355",
        "Châteauroux",
        ("216", "AV", "de Verdun"),
    ),
    (
        "Centre hospitalier Simone Veil de Blois",
        "Centre hospitalier Simone Veil de Blois",
        "355",
        "Blois",
        ("", "MAIL", "Pierre Charlot"),
    ),
    (
        "Centre hospitalier de Vendôme",
        "Centre hospitalier de Vendôme-Montoire",
        "355",
        "Vendôme",
        ("98", "R", "Poterie"),
    ),
    (
        "Centre hospitalier de Romorantin-Lanthenay",
        "Centre hospitalier de Romorantin-Lanthenay",
        "355",
        "Romorantin-Lanthenay",
        ("96", "R", "des Capucins"),
    ),
    (
        "Centre hospitalier de Vierzon",
        "Centre hospitalier de Vierzon",
        "355",
        "Vierzon",
        ("33", "R", "Léo Mérigot"),
    ),
    (
        "Centre hospitalier de l'agglomération montargoise",
        "Centre hospitalier de l'agglomération montargoise (CHAM)",
        "355",
        "Amilly",
        ("658", "R", "des Bourgoins"),
    ),
    (
        "Centre hospitalier de Gien",
        "Centre hospitalier Pierre Dezarnaulds de Gien",
        "355",
        "Gien",
        ("2", "AV", "Jean Villejean"),
    ),
    (
        "Centre hospitalier de Chinon",
        "Centre hospitalier du Chinonais",
        "106",
        "Chinon",
        ("", "RTE", "de Tours"),
    ),
    (
        "Centre hospitalier de Loches",
        "Centre hospitalier Paul Martinais de Loches",
        "355",
        "Loches",
        ("1", "R", "du Docteur Martinais"),
    ),
    (
        "Centre hospitalier d'Amboise",
        "Centre hospitalier intercommunal Amboise Château-Renault",
        "355",
        "Amboise",
        ("", "R", "des Ursulines"),
    ),
    (
        "Centre hospitalier de Châteaudun",
        "Centre hospitalier de Châteaudun",
        "355",
        "Châteaudun",
        ("", "R", "Jean Moulin"),
    ),
    (
        "Centre hospitalier Henri Ey",
        "Centre hospitalier Henri Ey de Bonneval",
        "292",
        "Bonneval",
        ("32", "R", "de la Grève"),
    ),
    (
        "Centre hospitalier George Sand",
        "Centre hospitalier George Sand de Bourges",
        "292",
        "Bourges",
        ("77", "R", "Louis Mallet"),
    ),
    (
        "Centre hospitalier départemental Georges Daumézon",
        "Centre hospitalier départemental Georges Daumézon",
        "292",
        "Fleury-les-Aubrais",
        ("1", "R", "Marcel Proust"),
    ),
    (
        "Pôle Santé Léonard de Vinci",
        "Pôle Santé Léonard de Vinci",
        "365",
        "Chambray-lès-Tours",
        ("1", "AV", "du Professeur Alexandre Minkowski"),
    ),
    (
        "Clinique de l'Alliance",
        "Clinique de l'Alliance",
        "365",
        "Saint-Cyr-sur-Loire",
        ("1", "BD", "Alfred Nobel"),
    ),
    (
        "Clinique Saint-Gatien",
        "Clinique Saint-Gatien",
        "365",
        "Tours",
        ("8", "PL", "de la Cathédrale"),
    ),
    ("Clinique Oréliance", "Clinique Oréliance", "365", "Saran", ("", "R", "Ronceray")),
    (
        "Clinique des Longues Allées",
        "Clinique des Longues Allées",
        "365",
        "Saint-Jean-de-Braye",
        ("25", "R", "des Longues Allées"),
    ),
    (
        "Polyclinique de Blois",
        "Polyclinique de Blois",
        "365",
        "La Chaussée-Saint-Victor",
        ("1", "R", "Robert Debré"),
    ),
    (
        "Clinique Guillaume de Varye",
        "Clinique Guillaume de Varye",
        "365",
        "Saint-Doulchard",
        ("1", "R", "Guillaume de Varye"),
    ),
    (
        "Hôpital privé d'Eure-et-Loir",
        "Hôpital privé d'Eure-et-Loir",
        "365",
        "Mainvilliers",
        ("8", "R", "Pierre Mendès France"),
    ),
    (
        "Clinique Saint-François",
        "Clinique Saint-François",
        "365",
        "Châteauroux",
        ("1", "R", "Jean-Baptiste Corot"),
    ),
    (
        "Centre de radiothérapie de Tours",
        "Centre de radiothérapie et d'oncologie de Tours",
        "129",
        "Tours",
        ("", "AV", "du Général de Gaulle"),
    ),
    (
        "Centre de radiothérapie d'Orléans",
        "Centre de radiothérapie du Loiret",
        "129",
        "Orléans",
        ("", "R", "Porte Madeleine"),
    ),
    (
        "Centre de radiothérapie de Blois",
        "Centre de radiothérapie de Blois",
        "129",
        "Blois",
        ("", "R", "Monsabré"),
    ),
    (
        "Centre de radiothérapie de Bourges",
        "Centre de radiothérapie de Bourges",
        "129",
        "Bourges",
        ("", "R", "Mirebeau"),
    ),
    (
        "OncoCentre",
        "Réseau régional de cancérologie OncoCentre",
        "614",
        "Tours",
        ("", "BD", "Tonnellé"),
    ),
    (
        "GIP e-Santé Centre-Val de Loire",
        "Groupement d'intérêt public Centre-Val de Loire e-Santé",
        "607",
        "La Chaussée-Saint-Victor",
        ("6", "R", "du Professeur Philippe Maupas"),
    ),
    (
        "HAD Val de Loire",
        "Hospitalisation à domicile Val de Loire",
        "127",
        "Saint-Avertin",
        ("", "R", "de la Fontaine"),
    ),
    (
        "AURA Santé - dialyse de Chartres",
        "Centre de dialyse de Chartres",
        "141",
        "Chartres",
        ("", "R", "de la Mare aux Moines"),
    ),
]
GUIDE_SITE = (
    "AIRBP IRC DREUX",
    "Association AIRBP insuffisants respiratoires chroniques Dreux",
    "357",
    "Dreux",
    ("", "R", "de Rieuville"),
)
GUIDE_SITE_FINESS = "280503848"

EHPAD_NAMES = [
    "Les Tilleuls",
    "Les Glycines",
    "Le Clos Saint-Martin",
    "La Bonne Eure",
    "Les Jardins de la Loire",
    "Résidence du Parc",
    "Les Cèdres",
    "Les Bords de Cher",
    "Saint-Joseph",
    "Les Hortensias",
]
PHARMACY_NAMES = [
    "du Centre",
    "de la Gare",
    "de la Cathédrale",
    "des Halles",
    "du Marché",
    "Saint-Jean",
    "de la Mairie",
    "des Tanneurs",
    "du Château",
    "de l'Église",
    "Principale",
    "du Lac",
]
LAB_NAMES = [
    "Biolab",
    "Bio Centre",
    "Cerballiance",
    "Laboratoire de la Loire",
    "Biogroup Val de Loire",
    "Laboratoire Saint-Éloi",
]
STREETS = [
    ("R", "Nationale"),
    ("R", "de la République"),
    ("AV", "Jean Jaurès"),
    ("BD", "Béranger"),
    ("PL", "du Marché"),
    ("R", "Victor Hugo"),
    ("R", "du Général Leclerc"),
    ("AV", "de Paris"),
    ("R", "Pasteur"),
    ("ALL", "des Tilleuls"),
    ("R", "Émile Zola"),
    ("QUAI", "de la Loire"),
]
LAST_NAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRÉ",
    "LEFÈVRE",
    "MERCIER",
    "BLANC",
    "GUÉRIN",
    "BOYER",
    "CHEVALIER",
    "FRANÇOIS",
    "LEGRAND",
]
FIRST_NAMES = [
    ("Nathalie", "MME"),
    ("Pierre", "M"),
    ("Camille", "MME"),
    ("Julien", "M"),
    ("Élodie", "MME"),
    ("François", "M"),
    ("Hélène", "MME"),
    ("Jérôme", "M"),
    ("Sophie", "MME"),
    ("Thomas", "M"),
    ("Céline", "MME"),
    ("Benoît", "M"),
    ("Léa", "MME"),
    ("Grégoire", "M"),
]


@dataclass(frozen=True)
class Site:
    finess: str
    finess_ej: str
    name: str
    long_name: str
    category: str
    town: str
    postal_code: str
    departement: str  # as in FINESS: "37", "2A", "9A"
    departement_label: str
    street_number: str
    street_type: str
    street: str
    phone: str

    def structure_fields(self) -> list[str]:
        routing = f"{self.postal_code} {self.town.upper()}"
        return [
            "structureet", self.finess, self.finess_ej, self.name, self.long_name, "", "",
            self.street_number, self.street_type, self.street, "", "", "001", self.departement,
            self.departement_label, routing, self.phone, "", self.category,
            CATEGORIES[self.category], "", "", "", "8610Z", "03", "ARS / DG EPS", "1",
            "Etab.public de santé", "1979-02-13", "1979-02-13", "2024-11-04", "",
        ]  # fmt: skip


class _Numbers:
    """Unique FINESS numbers with valid keys, per département prefix."""

    def __init__(self, rng: random.Random, reserved=()):
        self.rng = rng
        self.used = set(reserved)

    def finess(self, departement: str) -> str:
        prefix = FINESS_PREFIX.get(departement, departement)
        while True:
            body = prefix + "".join(self.rng.choice("0123456789") for _ in range(8 - len(prefix)))
            number = body + luhn_check_digit(body) if body.isdigit() else body + "0"
            if number not in self.used:
                self.used.add(number)
                return number


def _phone(rng: random.Random, departement: str) -> str:
    area = "02" if departement in CVL_TOWNS else "01"
    return area + "".join(rng.choice("0123456789") for _ in range(8))


def _generic_site(rng: random.Random, numbers: _Numbers, towns: dict, index: int) -> Site:
    departement = rng.choice(sorted(towns))
    label, places = towns[departement]
    town, postal_code = rng.choice(places)
    kind = rng.choices(
        ["620", "500", "611", "603", "354", "124", "156"], [40, 20, 10, 10, 8, 6, 6]
    )[0]
    if kind == "620":
        name = f"Pharmacie {rng.choice(PHARMACY_NAMES)}"
    elif kind == "500":
        name = f"EHPAD {rng.choice(EHPAD_NAMES)}"
    elif kind == "611":
        name = f"{rng.choice(LAB_NAMES)} - site de {town}"
    elif kind == "603":
        name = f"Maison de santé pluriprofessionnelle de {town}"
    elif kind == "354":
        name = f"SSIAD de {town}"
    elif kind == "124":
        name = f"Centre de santé {rng.choice(LAST_NAMES).title()}"
    else:
        name = f"CMP adultes de {town}"
    if rng.random() < 0.5:
        name = f"{name} {index}"
    street_type, street = rng.choice(STREETS)
    finess = numbers.finess(departement)
    return Site(
        finess=finess, finess_ej=numbers.finess(departement), name=name, long_name=name,
        category=kind, town=town, postal_code=postal_code, departement=departement,
        departement_label=label, street_number=str(rng.randint(1, 120)), street_type=street_type,
        street=street, phone=_phone(rng, departement),
    )  # fmt: skip


def _town(name: str) -> tuple[str, str, str, str]:
    for departement, (label, places) in CVL_TOWNS.items():
        for town, postal_code in places:
            if town == name:
                return departement, label, town, postal_code
    raise KeyError(name)


def _landmark(numbers: _Numbers, rng: random.Random, spec, finess: str | None = None) -> Site:
    name, long_name, category, town, (number, street_type, street) = spec
    departement, label, town, postal_code = _town(town)
    return Site(
        finess=finess or numbers.finess(departement), finess_ej=numbers.finess(departement),
        name=name, long_name=long_name, category=category, town=town, postal_code=postal_code,
        departement=departement, departement_label=label, street_number=number,
        street_type=street_type, street=street, phone=_phone(rng, departement),
    )  # fmt: skip


def generate_sites(count: int = 200, seed: int = 37, national: bool = False) -> Iterator[Site]:
    """`count` sites: the named regional landmarks first, then generated pharmacies, EHPAD,
    laboratories... in Centre-Val de Loire (or all over France when `national`)."""
    rng = random.Random(seed)
    numbers = _Numbers(rng, reserved={GUIDE_SITE_FINESS})
    yielded = 0
    for spec in [GUIDE_SITE, *LANDMARKS]:
        if yielded >= count:
            return
        finess = GUIDE_SITE_FINESS if spec is GUIDE_SITE else None
        yield _landmark(numbers, rng, spec, finess)
        yielded += 1
    towns = {**CVL_TOWNS, **NATIONAL_TOWNS} if national else CVL_TOWNS
    index = 0
    while yielded < count:
        index += 1
        yield _generic_site(rng, numbers, towns, index)
        yielded += 1


def _lambert93(rng: random.Random) -> tuple[str, str]:
    return f"{rng.uniform(480000, 680000):.1f}", f"{rng.uniform(6580000, 6860000):.1f}"


def write_finess_file(path, count: int = 200, seed: int = 37, national: bool = False) -> int:
    """Write a FINESS extraction (Latin-1, `;`); returns the number of sites."""
    rng = random.Random(seed + 1)
    sites = list(generate_sites(count, seed, national))
    with open(path, "w", encoding="latin-1", newline="\n", errors="replace") as handle:
        handle.write(f"finess;etalab;95;{EXTRACTION_DATE}\n")
        for site in sites:
            handle.write(";".join(site.structure_fields()) + "\n")
        for site in sites:
            if rng.random() < 0.95:
                x, y = _lambert93(rng)
                handle.write(f"geolocalisation;{site.finess};{x};{y};{GEO_SOURCE};2024-11-04\n")
    return len(sites)


# ---------------------------------------------------------------- Annuaire Santé


@dataclass(frozen=True)
class Person:
    rpps: str
    civility: str
    title: str
    last_name: str
    first_name: str
    profession: tuple[str, str]
    specialty: tuple[str, str] | None
    sites: tuple[tuple[Site, str], ...]  # (site, mode code)


MODES = {"S": "Salarié", "L": "Libéral", "B": "Bénévole"}
PROFESSIONS = [
    (
        ("10", "Médecin"),
        [
            ("SM36", "Oncologie, option médicale"),
            ("SM45", "Radio-thérapie"),
            ("SM54", "Médecine générale"),
            ("SM04", "Cardiologie et Maladies vasculaires"),
            ("SM01", "Anatomie et Cytologie pathologiques"),
            ("SM28", "Médecine nucléaire"),
            ("SM37", "Oncologie, option radiothérapie"),
        ],
    ),
    (("21", "Pharmacien"), []),
    (("60", "Infirmier"), []),
    (("50", "Sage-Femme"), []),
    (("70", "Masseur-Kinésithérapeute"), []),
]
# Well-known synthetic persons used by the tests, the demo and the guides' scenario.
KNOWN_PERSONS = [
    (
        "10000000009",
        "MME",
        "DR",
        "DUPONT",
        "Nathalie",
        0,
        ("SM36", "Oncologie, option médicale"),
        ["AIRBP IRC DREUX", "Centre hospitalier de Dreux"],
    ),
    (
        "12345678903",
        "M",
        "PR",
        "MARTIN",
        "Pierre",
        0,
        ("SM37", "Oncologie, option radiothérapie"),
        ["CHU de Tours - Hôpital Bretonneau"],
    ),
    (
        "10012345673",
        "MME",
        "DR",
        "LEFEBVRE",
        "Claire",
        0,
        ("SM01", "Anatomie et Cytologie pathologiques"),
        ["CHU de Tours - Hôpital Trousseau", "Clinique de l'Alliance"],
    ),
]


def rpps_number(rng: random.Random) -> str:
    body = "10" + "".join(rng.choice("0123456789") for _ in range(8))
    return body + luhn_check_digit(body)


def generate_persons(sites: list[Site], count: int = 40, seed: int = 37) -> list[Person]:
    rng = random.Random(seed + 2)
    by_name = {site.name: site for site in sites}
    persons = [
        Person(rpps, civ, title, last, first, PROFESSIONS[prof][0], spec,
               tuple((by_name[name], "S") for name in names))
        for rpps, civ, title, last, first, prof, spec, names in KNOWN_PERSONS
    ]  # fmt: skip
    used = {person.rpps for person in persons}
    while len(persons) < count:
        rpps = rpps_number(rng)
        if rpps in used:
            continue
        used.add(rpps)
        profession, specialties = rng.choice(PROFESSIONS)
        first_name, civility = rng.choice(FIRST_NAMES)
        places = rng.sample(sites, rng.choice([1, 1, 1, 2]))
        persons.append(
            Person(
                rpps=rpps, civility=civility, title="DR" if profession[0] in ("10", "21") else "",
                last_name=rng.choice(LAST_NAMES), first_name=first_name, profession=profession,
                specialty=rng.choice(specialties) if specialties else None,
                sites=tuple((site, rng.choice("SSL")) for site in places),
            )
        )  # fmt: skip
    return persons


def annuaire_header() -> str:
    from kiosque.directory.imports.annuaire import COLUMNS

    return "|".join(COLUMNS) + "|"


def annuaire_row(person: Person, site: Site, mode: str) -> str:
    from kiosque.directory.imports.annuaire import COLUMNS

    titles = {"DR": "Docteur", "PR": "Professeur"}
    civilities = {"M": "Monsieur", "MME": "Madame"}
    specialty = person.specialty
    values = dict.fromkeys(COLUMNS, "")
    values.update({
        "Type d'identifiant PP": "8",
        "Identifiant PP": person.rpps,
        "Identification nationale PP": "8" + person.rpps,
        "Code civilité d'exercice": person.title,
        "Libellé civilité d'exercice": titles.get(person.title, ""),
        "Code civilité": person.civility,
        "Libellé civilité": civilities[person.civility],
        "Nom d'exercice": person.last_name,
        "Prénom d'exercice": person.first_name.upper(),
        "Code profession": person.profession[0],
        "Libellé profession": person.profession[1],
        "Code catégorie professionnelle": "C",
        "Libellé catégorie professionnelle": "Civil",
        "Code type savoir-faire": "S" if specialty else "",
        "Libellé type savoir-faire": "Spécialité ordinale" if specialty else "",
        "Code savoir-faire": specialty[0] if specialty else "",
        "Libellé savoir-faire": specialty[1] if specialty else "",
        "Code mode exercice": mode,
        "Libellé mode exercice": MODES[mode],
        "Numéro FINESS site": site.finess,
        "Numéro FINESS établissement juridique": site.finess_ej,
        "Identifiant technique de la structure": "F" + site.finess,
        "Raison sociale site": site.name.upper(),
        "Numéro Voie (coord. structure)": site.street_number,
        "Code type de voie (coord. structure)": site.street_type,
        "Libellé Voie (coord. structure)": site.street.upper(),
        "Bureau cedex (coord. structure)": f"{site.postal_code} {site.town.upper()}",
        "Code postal (coord. structure)": site.postal_code,
        "Libellé commune (coord. structure)": site.town,
        "Téléphone (coord. structure)": site.phone,
        "Code Département (structure)": site.departement,
        "Libellé Département (structure)": site.departement_label.title().replace("-Et-", "-et-"),
        "Autorité d'enregistrement": "CNOM/CNOM/CNOM",
        "Code secteur d'activité": "SA01",
        "Libellé secteur d'activité": "Etablissement public de santé",
    })  # fmt: skip
    return "|".join(values[name] for name in COLUMNS) + "|"


def write_annuaire_file(
    path, sites: list[Site], count: int = 40, seed: int = 37, encoding: str = "utf-8"
) -> int:
    """Write an Annuaire Santé extraction for `count` persons; returns the number of rows."""
    rows = 0
    with open(path, "w", encoding=encoding, newline="\n") as handle:
        handle.write(annuaire_header() + "\n")
        for person in generate_persons(sites, count, seed):
            for site, mode in person.sites:
                handle.write(annuaire_row(person, site, mode) + "\n")
                rows += 1
    return rows


def write_shipped_samples() -> tuple[int, int]:
    SAMPLES_DIR.mkdir(parents=True, exist_ok=True)
    sites = list(generate_sites(200))
    return write_finess_file(FINESS_SAMPLE, 200), write_annuaire_file(ANNUAIRE_SAMPLE, sites, 45)
