"""Step 4, "Informations établissement": one or two places of practice.

Each block is either an establishment of the FINESS directory (found by its first characters:
a script suggests as one types; without a script, the "Rechercher" button lists the matches as
radio buttons) or, when "Mon établissement n'est pas référencé dans la liste" is ticked, a
typed name and postal address.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kiosque.directory.models import Departement, Establishment
from kiosque.directory.services.search import search_establishments
from kiosque.directory.validators import validate_finess
from kiosque.registration.fields import (
    EMPTY_LABEL,
    CleanTextField,
    WithoutValidation,
    conditionally_required,
)

BLOCKS = (1, 2)
ADD_SECOND_ACTION = "add-second"  # the button that opens the second block (a round trip)
POSTAL_CODE = re.compile(r"^[0-9]{5}$")
SEARCH_LIMIT = 10
DEFAULT_COUNTRY = "FRANCE"
SECOND_SUFFIX = _("(deuxième établissement)")
ADDRESS_REQUIRED = {
    "name": _("Saisissez le nom de votre établissement."),
    "street": _("Saisissez la rue de votre établissement."),
    "postal_code": _("Saisissez le code postal de votre établissement."),
    "city": _("Saisissez la ville de votre établissement."),
    "departement": _("Sélectionnez le département de votre établissement."),
}


class DepartementChoices(forms.models.ModelChoiceIterator):
    """The ~100 départements as rows, not models: each establishment block lists them."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for code, name in self.queryset.values_list("code", "name"):
            yield (code, Departement.display(code, name))


class DepartementField(forms.ModelChoiceField):
    iterator = DepartementChoices


class EstablishmentQueryInput(forms.TextInput):
    """The search box, with its "Rechercher" button and the list the script fills."""

    template_name = "registration/widgets/establishment_query.html"

    def __init__(self, block: int, attrs=None):
        super().__init__(attrs)
        self.block = block

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["block"] = self.block
        return context


def block_fields(number: int) -> dict[str, forms.Field]:
    fields = _block_fields(number)
    if number > 1:
        for block_field in fields.values():
            if block_field.label:
                block_field.label = format_lazy("{} {}", block_field.label, SECOND_SUFFIX)
    return fields


def _block_fields(number: int) -> dict[str, forms.Field]:
    """In the order of the page (the error summary lists the errors in this order)."""
    section = f"section-etablissement{number}"
    return {
        "query": conditionally_required(
            CleanTextField(
                label=_("Etablissement d'exercice"),
                required=False,
                max_length=100,
                help_text=_(
                    "Saisissez les premiers caractères de votre établissement (nom, ville ou "
                    "numéro FINESS), puis sélectionnez-le dans la liste."
                ),
                widget=EstablishmentQueryInput(
                    number, attrs={"autocomplete": "off", "data-establishment-query": ""}
                ),
            )
        ),
        "finess": forms.CharField(required=False, max_length=20, widget=forms.HiddenInput),
        "not_listed": forms.BooleanField(
            label=_("Mon établissement n'est pas référencé dans la liste"),
            required=False,
            widget=forms.CheckboxInput(attrs={"data-not-listed": ""}),
        ),
        "name": conditionally_required(
            CleanTextField(
                label=_("Nom de l'établissement"),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"autocomplete": f"{section} organization"}),
            )
        ),
        "street": conditionally_required(
            CleanTextField(
                label=_("Rue"),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"autocomplete": f"{section} street-address"}),
            )
        ),
        "po_box": CleanTextField(label=_("Boîte postale"), required=False, max_length=50),
        "postal_code": conditionally_required(
            CleanTextField(
                label=_("Code postal"),
                required=False,
                max_length=10,
                widget=forms.TextInput(
                    attrs={"autocomplete": f"{section} postal-code", "inputmode": "numeric"}
                ),
            )
        ),
        "city": conditionally_required(
            CleanTextField(
                label=_("Ville"),
                required=False,
                max_length=80,
                widget=forms.TextInput(attrs={"autocomplete": f"{section} address-level2"}),
            )
        ),
        "cedex": CleanTextField(label=_("Cedex"), required=False, max_length=20),
        "departement": conditionally_required(
            DepartementField(
                label=_("Département"),
                queryset=Departement.objects.order_by("code"),
                required=False,
                empty_label=EMPTY_LABEL,
                error_messages={"invalid_choice": _("Sélectionnez un département de la liste.")},
            )
        ),
        "country": CleanTextField(
            label=_("Pays"),
            required=False,
            max_length=60,
            initial=DEFAULT_COUNTRY,
            widget=forms.TextInput(attrs={"autocomplete": f"{section} country-name"}),
        ),
        "function": CleanTextField(
            label=_("Type de fonction"),
            required=False,
            max_length=100,
            help_text=_("Par exemple : médecin, cadre de santé, secrétaire médicale."),
            widget=forms.TextInput(attrs={"autocomplete": f"{section} organization-title"}),
        ),
        "service": conditionally_required(
            CleanTextField(
                label=_("Service d'exercice"),
                required=False,
                max_length=150,
                help_text=_("Le service ou l'unité où vous exercez, par exemple : oncologie."),
            )
        ),
    }


@dataclass
class Block:
    """What the template needs to draw one establishment block."""

    number: int
    selected: Establishment | None = None
    results: list[Establishment] | None = None
    fields: dict = field(default_factory=dict)


class EstablishmentForm(WithoutValidation, forms.Form):
    add_second_action = ADD_SECOND_ACTION
    add_second = forms.BooleanField(
        label=_("Ajouter un deuxième établissement"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-add-second": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for number in BLOCKS:
            if number == 2:  # the box is shown between the two blocks
                fields["add_second"] = self.fields.pop("add_second")
            for name, block_field in block_fields(number).items():
                fields[f"etab{number}_{name}"] = block_field
        self.fields = fields | {
            name: value for name, value in self.fields.items() if name not in fields
        }
        self.search_results: dict[int, list[Establishment]] = {}
        self.establishments: list[dict] = []

    # Display ---------------------------------------------------------------------------

    def second_open(self) -> bool:
        """The second block is drawn once asked for ("Ajouter un deuxième établissement", a
        round trip that works without JavaScript), or when it holds typed values: its 13 fields
        are not rendered for the applicants, most of them, who have one place of practice."""
        if self["add_second"].value():
            return True
        if not self.is_bound:
            return False
        return any(self.data.get(f"etab2_{name}") for name in block_fields(2) if name != "country")

    def blocks(self) -> list[Block]:
        numbers = BLOCKS if self.second_open() else BLOCKS[:1]
        return [
            Block(
                number=number,
                selected=self.selected_establishment(number),
                results=self.search_results.get(number),
                fields={name: self[f"etab{number}_{name}"] for name in block_fields(number)},
            )
            for number in numbers
        ]

    def _raw(self, number: int, name: str) -> str:
        value = self[f"etab{number}_{name}"].value()
        return value if isinstance(value, str) else ""

    def selected_establishment(self, number: int) -> Establishment | None:
        finess = self._raw(number, "finess").strip()
        if not finess or len(finess) > 9:
            return None
        return Establishment.objects.select_related("departement").filter(pk=finess).first()

    def search(self, number: int) -> list[Establishment]:
        """The "Rechercher" button without JavaScript: list the matches as radio buttons."""
        query = self._raw(number, "query")[:100]
        self.search_results[number] = search_establishments(query, limit=SEARCH_LIMIT)
        return self.search_results[number]

    # Validation ------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        self.establishments = []
        for number in BLOCKS:
            if number == 1 or data.get("add_second"):
                establishment = self._clean_block(number, data)
                if establishment is not None:
                    self.establishments.append(establishment)
        if (
            len(self.establishments) == 2
            and self.establishments[0]["finess"]
            and self.establishments[0]["finess"] == self.establishments[1]["finess"]
        ):
            self.add_error(
                "etab2_query",
                ValidationError(
                    _("Votre deuxième établissement est le même que le premier."),
                    code="same_establishment",
                ),
            )
        return data

    def _clean_block(self, number: int, data: dict) -> dict | None:
        prefix = f"etab{number}_"
        value = {name: data.get(prefix + name) for name in block_fields(number)}
        valid = True
        if not value["service"]:
            valid = self._error(number, "service", _("Saisissez votre service d'exercice."))
        if value["not_listed"]:
            place = self._clean_address(number, value)
        else:
            place = self._clean_listed(number, value)
        if place is None or not valid:
            return None
        return {
            "position": number,
            "not_listed": bool(value["not_listed"]),
            "function": value["function"] or "",
            "service": value["service"],
            **place,
        }

    def _error(self, number: int, name: str, message, code: str = "required") -> bool:
        if f"etab{number}_{name}" not in self.errors:
            self.add_error(f"etab{number}_{name}", ValidationError(message, code=code))
        return False

    def _clean_listed(self, number: int, value: dict) -> dict | None:
        finess = (value["finess"] or "").strip()
        if not finess:
            if value["query"]:
                self.search(number)
                return self._missing(
                    number, _("Sélectionnez votre établissement dans la liste des résultats.")
                )
            return self._missing(
                number,
                _(
                    "Saisissez les premiers caractères de votre établissement, puis "
                    "sélectionnez-le dans la liste. S'il n'y figure pas, cochez « Mon "
                    "établissement n'est pas référencé dans la liste »."
                ),
            )
        try:
            validate_finess(finess)
        except ValidationError:
            return self._missing(number, _("Sélectionnez à nouveau votre établissement."))
        establishment = (
            Establishment.objects.select_related("departement").filter(pk=finess).first()
        )
        if establishment is None:
            return self._missing(number, _("Sélectionnez à nouveau votre établissement."))
        return {
            "establishment": establishment,
            "finess": establishment.finess,
            "name": establishment.name,
            "street": " ".join(
                part
                for part in (
                    establishment.street_number,
                    establishment.street_type,
                    establishment.street,
                )
                if part
            ),
            "po_box": establishment.lieu_dit,
            "postal_code": establishment.postal_code,
            "city": establishment.city,
            "cedex": "",
            "departement": str(establishment.departement or ""),
            "country": DEFAULT_COUNTRY,
        }

    def _missing(self, number: int, message) -> None:
        self._error(number, "query", message, code="establishment_required")
        return None

    def _clean_address(self, number: int, value: dict) -> dict | None:
        valid = True
        for name, message in ADDRESS_REQUIRED.items():
            if not value[name]:
                valid = self._error(number, name, message)
        country = (value["country"] or DEFAULT_COUNTRY).upper()
        postal_code = value["postal_code"] or ""
        if postal_code and country == DEFAULT_COUNTRY and not POSTAL_CODE.match(postal_code):
            valid = self._error(
                number,
                "postal_code",
                _("Le code postal compte 5 chiffres, par exemple 37000."),
                code="postal_code_format",
            )
        if not valid:
            return None
        return {
            "establishment": None,
            "finess": "",
            "name": value["name"],
            "street": value["street"],
            "po_box": value["po_box"] or "",
            "postal_code": postal_code,
            "city": value["city"],
            "cedex": value["cedex"] or "",
            "departement": str(value["departement"]),
            "country": country,
        }

    def summary_sections(self):
        sections = []
        for establishment in self.establishments:
            rows = [
                (_("Etablissement d'exercice"), establishment["name"]),
                (_("FINESS géographique"), establishment["finess"]),
            ]
            if establishment["not_listed"]:
                rows += [
                    (_("Rue"), establishment["street"]),
                    (_("Boîte postale"), establishment["po_box"]),
                    (_("Cedex"), establishment["cedex"]),
                    (_("Pays"), establishment["country"]),
                ]
            rows += [
                (_("Code postal"), establishment["postal_code"]),
                (_("Ville"), establishment["city"]),
                (_("Département"), establishment["departement"]),
                (_("Type de fonction"), establishment["function"]),
                (_("Service d'exercice"), establishment["service"]),
            ]
            sections.append((establishment["position"], rows))
        return sections
