"""English names of the reference labels shown in the interface.

The labels come from the shipped NOS tables (kiosque/directory/data/*.csv) and are stored in
French; `translated()` shows them in the active language. The calls below only put each
label in the translation catalogue (`makemessages` reads them); a test checks that they are
the labels of the CSV files, so a new row cannot go untranslated."""

from django.utils.translation import pgettext, pgettext_lazy

PROFESSION = "profession"
CIVILITY = "civilité"
TITLE = "titre"

CATALOGUE = (
    pgettext_lazy("profession", "Médecin"),
    pgettext_lazy("profession", "Pharmacien"),
    pgettext_lazy("profession", "Audioprothésiste"),
    pgettext_lazy("profession", "Opticien-Lunetier"),
    pgettext_lazy("profession", "Assistant dentaire"),
    pgettext_lazy("profession", "Physicien médical"),
    pgettext_lazy("profession", "Aide-soignant"),
    pgettext_lazy("profession", "Ambulancier"),
    pgettext_lazy("profession", "Auxiliaire de puériculture"),
    pgettext_lazy("profession", "Préparateur en pharmacie hospitalière"),
    pgettext_lazy("profession", "Préparateur en pharmacie"),
    pgettext_lazy("profession", "Chirurgien-Dentiste"),
    pgettext_lazy("profession", "Sage-Femme"),
    pgettext_lazy("profession", "Infirmier"),
    pgettext_lazy("profession", "Infirmier psychiatrique"),
    pgettext_lazy("profession", "Masseur-Kinésithérapeute"),
    pgettext_lazy("profession", "Pédicure-Podologue"),
    pgettext_lazy("profession", "Orthoprothésiste"),
    pgettext_lazy("profession", "Podo-Orthésiste"),
    pgettext_lazy("profession", "Orthopédiste-Orthésiste"),
    pgettext_lazy("profession", "Oculariste"),
    pgettext_lazy("profession", "Epithésiste"),
    pgettext_lazy("profession", "Technicien de labo médical"),
    pgettext_lazy("profession", "Orthophoniste"),
    pgettext_lazy("profession", "Orthoptiste"),
    pgettext_lazy("profession", "Psychologue"),
    pgettext_lazy("profession", "Ergothérapeute"),
    pgettext_lazy("profession", "Diététicien"),
    pgettext_lazy("profession", "Psychomotricien"),
    pgettext_lazy("profession", "Manipulateur ERM"),
    pgettext_lazy(
        "profession", "Profession non de santé (secrétariat, coordination, administration)"
    ),
    pgettext_lazy("civilité", "Monsieur"),
    pgettext_lazy("civilité", "Madame"),
    pgettext_lazy("titre", "Docteur"),
    pgettext_lazy("titre", "Professeur"),
    pgettext_lazy("titre", "Médecin chef"),
    pgettext_lazy("titre", "Médecin général"),
    pgettext_lazy("titre", "Pharmacien chef"),
    pgettext_lazy("titre", "Pharmacien général"),
)


def translated(kind: str, label: str) -> str:
    """`label` (French, as stored) in the active language; itself when it has no entry."""
    return pgettext(kind, label) if label else label
