from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    """Identifier (login or authentication e-mail) + password."""

    username = forms.CharField(
        label=_("Identifiant ou mail"),
        max_length=254,
        widget=forms.TextInput(
            # "webauthn": the browser offers passkeys in the autofill (conditional UI).
            attrs={
                "autocomplete": "username webauthn",
                "autofocus": True,
                "autocapitalize": "none",
            }
        ),
        error_messages={"required": _("Saisissez votre identifiant ou votre adresse mail.")},
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe.")},
    )


class NewPasswordForm(forms.Form):
    """A new password and its confirmation, checked against AUTH_PASSWORD_VALIDATORS."""

    new_password1 = forms.CharField(
        label=_("Nouveau mot de passe"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "data-password-policy": "new"}
        ),
        error_messages={"required": _("Saisissez votre nouveau mot de passe.")},
    )
    new_password2 = forms.CharField(
        label=_("Confirmation du nouveau mot de passe"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "data-password-policy": "confirm"}
        ),
        error_messages={"required": _("Saisissez à nouveau votre nouveau mot de passe.")},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2", _("Les deux mots de passe saisis ne sont pas identiques.")
            )
        return cleaned


class PasswordChangeForm(NewPasswordForm):
    """The signed-in change: the current password first."""

    old_password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("Saisissez votre mot de passe actuel.")},
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("Le mot de passe actuel est incorrect."), code="password_incorrect"
            )
        return password


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Saisissez votre adresse mail."),
            "invalid": _("Saisissez une adresse mail valide, par exemple nom@exemple.fr."),
        },
    )
