"""One form per step of the registration wizard, plus the captcha of the summary.

Forms validate and describe themselves (`summary_rows`); the conditional rules (specialty,
RPPS, second establishment, establishment not listed) live in their `clean()`.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kiosque.directory import labels
from kiosque.directory.models import Civility, Profession, Specialty, Title
from kiosque.directory.phones import display_phone
from kiosque.directory.services.annuaire import lookup_rpps
from kiosque.directory.validators import (
    validate_adeli,
    validate_authentication_email,
    validate_communication_email,
    validate_rpps,
)
from kiosque.portal.forms import InterestsForm
from kiosque.registration.captcha import AltchaField
from kiosque.registration.establishment_form import EstablishmentForm
from kiosque.registration.fields import (
    EMPTY_LABEL,
    CalendarDateField,
    CleanTextField,
    NameField,
    PhoneField,
    conditionally_required,
    fold,
    required_message,
)

SEPARATORS = re.compile(r"[\s.\-_/]")
PSC_NOTE = _("Renseigné par Pro Santé Connect")
LOCK_VALIDATORS = {"rpps": validate_rpps, "adeli": validate_adeli}
MIN_AGE_YEARS = 16
MAX_AGE_YEARS = 100


# Step 1 -------------------------------------------------------------------------------


class ConditionsForm(forms.Form):
    accept = forms.BooleanField(
        label=_("J'accepte les conditions générales d'utilisation"),
        error_messages=required_message(
            _(
                "Le traitement de votre demande de création de compte nécessite l'acceptation "
                "des conditions générales d'utilisation."
            )
        ),
    )

    def summary_rows(self):
        return [(_("Conditions générales d'utilisation"), _("Acceptées"))]


# Step 2 -------------------------------------------------------------------------------


class ProfessionSelect(forms.Select):
    """Each option tells the script whether the profession asks for an RPPS or a specialty."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        profession = getattr(value, "instance", None)
        if profession is not None:
            option["attrs"]["data-has-rpps"] = "1" if profession.has_rpps else "0"
            option["attrs"]["data-requires-specialty"] = (
                "1" if profession.requires_specialty else "0"
            )
            option["attrs"]["data-label"] = str(profession)
        return option


class IdentifierField(CleanTextField):
    """A number people type with spaces or dots: kept without them."""

    def to_python(self, value):
        return SEPARATORS.sub("", super().to_python(value) or "")


def specialty_choices():
    """Specialties grouped by profession (the script shows only the chosen profession's)."""
    groups: dict[str, list] = {}
    rows = Specialty.objects.order_by("label").values_list("code", "label", "profession__label")
    for code, label, profession in rows:  # rows, not models: read on every identity request
        group = (
            labels.translated(labels.PROFESSION, profession)
            if profession is not None
            else _("Autres spécialités")
        )
        label = labels.translated(labels.SPECIALTY, label)
        groups.setdefault(str(group), []).append((code, label))
    return [("", EMPTY_LABEL), *groups.items()]


class IdentityForm(forms.Form):
    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.order_by("position", "label"),
        empty_label=EMPTY_LABEL,
        widget=ProfessionSelect(attrs={"data-profession": ""}),
        error_messages={
            "required": _("Sélectionnez votre profession."),
            "invalid_choice": _("Sélectionnez une profession de la liste."),
        },
    )
    specialty = conditionally_required(
        forms.ChoiceField(
            label=_("Spécialité professionnelle"),
            required=False,
            widget=forms.Select(attrs={"data-specialty": ""}),
            error_messages={"invalid_choice": _("Sélectionnez une spécialité de la liste.")},
        )
    )
    foreign_diploma = forms.BooleanField(
        label=_("Diplôme étranger"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-foreign-diploma": ""}),
    )
    rpps = conditionally_required(
        IdentifierField(
            label=_("N° RPPS"),
            required=False,
            max_length=20,
            help_text=_(
                "Numéro à 11 chiffres figurant sur votre carte CPS ou dans l'Annuaire Santé. "
                "Obligatoire pour les médecins, pharmaciens, chirurgiens-dentistes, "
                "sages-femmes, masseurs-kinésithérapeutes et pédicures-podologues, sauf "
                "diplôme étranger."
            ),
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "data-rpps": ""}
            ),
        )
    )
    adeli = IdentifierField(
        label=_("N° ADELI"),
        required=False,
        max_length=20,
        help_text=_(
            "Numéro à 9 chiffres attribué aux professions non encore enregistrées dans le "
            "RPPS ; il figure sur votre carte CPS."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    cpx_number = IdentifierField(
        label=_("N° carte CPx"),
        required=False,
        max_length=20,
        help_text=_(
            "Si vous souhaitez vous connecter avec votre carte CPS veuillez saisir votre "
            "numéro CPS."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    title = forms.ModelChoiceField(
        label=_("Titre"),
        queryset=Title.objects.order_by("label"),
        required=False,
        empty_label=EMPTY_LABEL,
        widget=forms.Select(attrs={"autocomplete": "honorific-prefix"}),
    )
    civility = forms.ModelChoiceField(
        label=_("Civilité"),
        queryset=Civility.objects.order_by("label"),
        required=False,
        empty_label=EMPTY_LABEL,
    )
    last_name = NameField(
        label=_("Nom d'usage"),
        max_length=100,
        help_text=_("Le nom sous lequel vous exercez."),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages=required_message(_("Saisissez votre nom d'usage.")),
    )
    birth_name = NameField(
        label=_("Nom de naissance"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages=required_message(_("Saisissez votre nom de naissance.")),
    )
    first_name = NameField(
        label=_("Prénom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages=required_message(_("Saisissez votre prénom.")),
    )
    birth_date = CalendarDateField(
        label=_("Date de naissance"),
        required=False,
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"],
        help_text=_("Au format jj/mm/aaaa, par exemple 07/06/1994."),
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"autocomplete": "bday", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": _("Saisissez une date au format jj/mm/aaaa, par exemple 07/06/1994.")
        },
    )

    def __init__(self, *args, locked=None, **kwargs):
        """`locked`: field name -> value provided by Pro Santé Connect; such a field is shown
        disabled and its posted value ignored (a value that would not validate is not locked,
        so the applicant can still type one)."""
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = specialty_choices()
        self.directory_check: dict = {}
        self.locked: dict[str, str] = {}
        for name, value in (locked or {}).items():
            self._lock(name, value)
        profession = self._chosen_profession()
        if profession is not None:
            self.fields["specialty"].label = _("Spécialité professionnelle - %(profession)s") % {
                "profession": str(profession)
            }

    def _lock(self, name: str, value: str) -> None:
        field = self.fields.get(name)
        if field is None:
            return
        try:
            field.clean(value)
            if name in LOCK_VALIDATORS:
                LOCK_VALIDATORS[name](value)
        except ValidationError:
            return
        field.disabled = True
        field.help_text = PSC_NOTE
        self.initial[name] = value
        self.locked[name] = value

    def _chosen_profession(self):
        code = self["profession"].value()
        if not code or not isinstance(code, str) or len(code) > 4:
            return None
        return Profession.objects.filter(pk=code).first()

    def clean_adeli(self):
        adeli = self.cleaned_data["adeli"]
        if adeli:
            validate_adeli(adeli)
        return adeli

    def clean_rpps(self):
        rpps = self.cleaned_data["rpps"]
        if rpps:
            validate_rpps(rpps)
        return rpps

    def clean_cpx_number(self):
        number = self.cleaned_data["cpx_number"]
        if number and not (len(number) == 10 and number.isdigit()):
            raise ValidationError(
                _("Le numéro de carte CPx compte 10 chiffres ; il est imprimé sur votre carte."),
                code="cpx_format",
            )
        return number

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date is None:
            return None
        today = timezone.localdate()
        oldest = today.replace(year=today.year - MAX_AGE_YEARS, day=min(today.day, 28))
        youngest = today.replace(year=today.year - MIN_AGE_YEARS, day=min(today.day, 28))
        if not oldest <= birth_date <= youngest:
            raise ValidationError(
                _(
                    "Vérifiez votre date de naissance : elle doit être comprise entre le "
                    "%(oldest)s et le %(youngest)s."
                ),
                code="birth_date_range",
                params={
                    "oldest": oldest.strftime("%d/%m/%Y"),
                    "youngest": youngest.strftime("%d/%m/%Y"),
                },
            )
        return birth_date

    def clean(self):
        data = super().clean()
        profession = data.get("profession")
        if profession is None:
            return data
        self._clean_specialty(data, profession)
        if self._rpps_missing(data, profession):
            self.add_error(
                "rpps",
                ValidationError(
                    _(
                        "Le N° RPPS est obligatoire pour la profession %(profession)s, sauf "
                        "si vous avez un diplôme étranger (cochez alors « Diplôme étranger »)."
                    ),
                    code="rpps_required",
                    params={"profession": str(profession)},
                ),
            )
        if data.get("rpps") and not self.errors:
            self.directory_check = compare_with_directory(data)
        return data

    def _rpps_missing(self, data, profession) -> bool:
        return (
            profession.has_rpps
            and not data.get("foreign_diploma")
            and not data.get("rpps")
            and "rpps" not in self.errors
        )

    def _clean_specialty(self, data, profession):
        code = data.get("specialty")
        if not code:
            data["specialty"] = None
            if profession.requires_specialty:
                self.add_error(
                    "specialty",
                    ValidationError(
                        _("Sélectionnez votre spécialité professionnelle."),
                        code="specialty_required",
                    ),
                )
            return
        specialty = Specialty.objects.filter(pk=code).first()
        if specialty is None or specialty.profession_id not in (None, profession.pk):
            data["specialty"] = None
            self.add_error(
                "specialty",
                ValidationError(
                    _("Cette spécialité ne correspond pas à la profession %(profession)s."),
                    code="specialty_mismatch",
                    params={"profession": str(profession)},
                ),
            )
            return
        data["specialty"] = specialty

    def summary_rows(self):
        data = self.cleaned_data
        return [
            (_("Profession"), data["profession"]),
            (_("Spécialité professionnelle"), data.get("specialty") or ""),
            (_("Diplôme étranger"), _("Oui") if data.get("foreign_diploma") else _("Non")),
            (_("N° RPPS"), data.get("rpps")),
            (_("N° ADELI"), data.get("adeli")),
            (_("N° carte CPx"), data.get("cpx_number")),
            (_("Titre"), data.get("title") or ""),
            (_("Civilité"), data.get("civility") or ""),
            (_("Nom d'usage"), data["last_name"]),
            (_("Nom de naissance"), data["birth_name"]),
            (_("Prénom"), data["first_name"]),
            (
                _("Date de naissance"),
                data["birth_date"].strftime("%d/%m/%Y") if data.get("birth_date") else "",
            ),
        ]


def compare_with_directory(data) -> dict:
    """What the Annuaire Santé says of this RPPS, as facts for the reviewer (never blocking)."""
    record = lookup_rpps(data["rpps"])
    if record is None:
        return {"found": False, "mismatches": []}
    mismatches = []
    if fold(record.last_name) not in {fold(data["last_name"]), fold(data["birth_name"])}:
        mismatches.append("last_name")
    if fold(record.first_name) != fold(data["first_name"]):
        mismatches.append("first_name")
    if record.profession_code and record.profession_code != data["profession"].pk:
        mismatches.append("profession")
    return {
        "found": True,
        "mismatches": mismatches,
        "last_name": record.last_name,
        "first_name": record.first_name,
        "profession_code": record.profession_code,
        "profession_label": record.profession_label,
    }


# Step 3 -------------------------------------------------------------------------------


class ContactsForm(forms.Form):
    phone_professional = PhoneField(
        label=_("Téléphone professionnel"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "work tel"}),
    )
    phone_mobile = PhoneField(
        label=_("Téléphone mobile"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "mobile tel"}),
        error_messages=required_message(_("Saisissez votre numéro de téléphone mobile.")),
    )
    email_auth = forms.EmailField(
        label=_("Mail pour l'authentification"),
        max_length=254,
        help_text=_(
            "Mail individuel obligatoire. Attention : les adresses MSSanté sont interdites "
            "ainsi que le mail générique."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Saisissez votre mail pour l'authentification."),
            "invalid": _("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."),
        },
    )
    email_auth_confirmation = forms.EmailField(
        label=_("Confirmation du mail pour l'authentification"),
        max_length=254,
        help_text=_("Saisissez à nouveau la même adresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Confirmez votre mail pour l'authentification."),
            "invalid": _("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."),
        },
    )
    email_communication = forms.EmailField(
        label=_("Mail pour la communication"),
        required=False,
        max_length=254,
        help_text=_("Mail générique accepté."),
        widget=forms.EmailInput(attrs={"autocomplete": "work email"}),
        error_messages={
            "invalid": _("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."),
        },
    )

    def clean_email_auth(self):
        email = self.cleaned_data["email_auth"]
        validate_authentication_email(email)
        return email

    def clean_email_communication(self):
        email = self.cleaned_data["email_communication"]
        if email:
            validate_communication_email(email)
        return email

    def clean(self):
        data = super().clean()
        email, confirmation = data.get("email_auth"), data.get("email_auth_confirmation")
        if email and confirmation and email.casefold() != confirmation.casefold():
            self.add_error(
                "email_auth_confirmation",
                ValidationError(
                    _("Les deux adresses mail ne sont pas identiques : vérifiez votre saisie."),
                    code="email_mismatch",
                ),
            )
        return data

    def summary_rows(self):
        data = self.cleaned_data
        return [
            (_("Téléphone professionnel"), display_phone(data.get("phone_professional"))),
            (_("Téléphone mobile"), display_phone(data["phone_mobile"])),
            (_("Mail pour l'authentification"), data["email_auth"]),
            (_("Mail pour la communication"), data.get("email_communication")),
        ]


# Step 5 -------------------------------------------------------------------------------


class RegistrationInterestsForm(InterestsForm):
    """The portal's "Précisez vos centres d'intérêt" form, optional, as a wizard step."""

    def summary_rows(self):
        data = self.cleaned_data
        return [
            (_("Applications"), ", ".join(str(app.name) for app in data["applications"])),
            (_("Communauté"), ", ".join(str(group.name) for group in data["communities"])),
        ]


# Step 6 -------------------------------------------------------------------------------


class SummaryForm(forms.Form):
    captcha = AltchaField(
        label=_("Vérification anti-robot"),
        help_text=_(
            "Votre navigateur fait seul un petit calcul qui prouve que la demande ne vient pas "
            "d'un robot : rien à recopier. Attendez l'indication « Vérifié » avant d'envoyer "
            "votre demande."
        ),
    )


__all__ = [
    "ConditionsForm",
    "ContactsForm",
    "EstablishmentForm",
    "IdentityForm",
    "RegistrationInterestsForm",
    "SummaryForm",
]
