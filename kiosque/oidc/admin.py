"""Back-office for the applications' OpenID Connect clients.

A client is created for an application of the catalogue; its secret is shown once (as a
message) and stored as a keyed hash. "Nouveau secret" replaces it. Codes and tokens are not
shown: only their hashes are stored.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from kiosque.oidc.flows import clients
from kiosque.oidc.models import AuthorizationCode, Client, Token


def _uri_list(value: str) -> list[str]:
    uris = value.split()
    validate = URLValidator(schemes=["http", "https"])
    for uri in uris:
        validate(uri)
        if "#" in uri:
            raise ValidationError(_("Une adresse de retour ne peut pas contenir de fragment (#)."))
    return uris


class ClientForm(forms.ModelForm):
    redirect_uris = forms.CharField(
        label=_("adresses de retour (redirect_uri)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une par ligne ; comparées à l'identique."),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("adresses après déconnexion"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    class Meta:
        model = Client
        fields = (
            "application",
            "redirect_uris",
            "post_logout_redirect_uris",
            "backchannel_logout_uri",
            "token_endpoint_auth_method",
            "jwks",
            "id_token_signed_response_alg",
            "may_introspect_all",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["redirect_uris"] = "\n".join(self.instance.redirect_uris)
            self.initial["post_logout_redirect_uris"] = "\n".join(
                self.instance.post_logout_redirect_uris
            )
            self.fields["application"].disabled = True
            self.fields["token_endpoint_auth_method"].disabled = True

    def clean_redirect_uris(self):
        return _uri_list(self.cleaned_data["redirect_uris"])

    def clean_post_logout_redirect_uris(self):
        return _uri_list(self.cleaned_data["post_logout_redirect_uris"])

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("token_endpoint_auth_method")
        if method == Client.AuthMethod.PRIVATE_KEY_JWT and not (cleaned.get("jwks") or {}).get(
            "keys"
        ):
            self.add_error("jwks", _("private_key_jwt demande le JWKS public de l'application."))
        return cleaned


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientForm
    list_display = ("application", "client_id", "token_endpoint_auth_method", "created_at")
    readonly_fields = ("client_id", "secret_rotated_at", "created_at")
    actions = ["new_secret"]

    def get_fields(self, request, obj=None):
        fields = list(ClientForm.Meta.fields)
        return ([*fields, *self.readonly_fields]) if obj else fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            obj.redirect_uris = data["redirect_uris"]
            obj.post_logout_redirect_uris = data["post_logout_redirect_uris"]
            obj.save()
            return
        client, secret = clients.register(
            data["application"],
            redirect_uris=data["redirect_uris"],
            post_logout_redirect_uris=data["post_logout_redirect_uris"],
            backchannel_logout_uri=data["backchannel_logout_uri"],
            auth_method=data["token_endpoint_auth_method"],
            jwks=data["jwks"],
            id_token_alg=data["id_token_signed_response_alg"],
            may_introspect_all=data["may_introspect_all"],
        )
        obj.pk = client.pk
        obj.client_id = client.client_id
        self._show_secret(request, client, secret)

    @staticmethod
    def _show_secret(request, client, secret):
        if not secret:
            return
        messages.warning(
            request,
            _(
                "client_id : %(client_id)s — secret : %(secret)s — copiez-le maintenant, "
                "il ne sera plus affiché (il est conservé haché)."
            )
            % {"client_id": client.client_id, "secret": secret},
        )

    @admin.action(description=_("Générer un nouveau secret"))
    def new_secret(self, request, queryset):
        for client in queryset:
            if client.token_endpoint_auth_method != Client.AuthMethod.SECRET_BASIC:
                continue
            self._show_secret(request, client, clients.rotate_secret(client))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued codes and tokens, for inspection: only their keyed hashes are stored, so
    nothing here can be presented back; revocation goes through the flows (sign-out,
    back-channel logout, the revocation endpoint)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Token)
class TokenAdmin(ReadOnlyAdmin):
    list_display = ("client", "user", "issued_at", "expires_at", "rotated_at", "revoked_at")
    list_select_related = ("client__application", "user")
    exclude = ("access_token_hash", "refresh_token_hash")


@admin.register(AuthorizationCode)
class AuthorizationCodeAdmin(ReadOnlyAdmin):
    list_display = ("client", "created_at", "expires_at", "redeemed_at")
    list_select_related = ("client__application",)
    exclude = ("code_hash",)
