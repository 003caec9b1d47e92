"""The "Gestionnaire 2ndFA" pages: the user's second factors, TOTP enrolment and removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kiosque.mfa import messages as texts
from kiosque.mfa import totp
from kiosque.mfa.flows import devices, enrol
from kiosque.mfa.forms import EnrolForm, PasskeyForm
from kiosque.mfa.models import Passkey, TOTPDevice
from kiosque.mfa.views.common import confirm_password


@login_required
@never_cache
def manage(request):
    return render(
        request,
        "mfa/manage.html",
        {
            "devices": TOTPDevice.objects.filter(user=request.user),
            "passkeys": Passkey.objects.filter(user=request.user),
            "passkey_form": PasskeyForm(user=request.user),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def add_totp(request):
    user = request.user
    secret = enrol.pending_secret(request)
    form = EnrolForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        device = enrol.confirm(
            request, user, name=form.cleaned_data["name"], code=form.cleaned_data["code"]
        )
        if device is not None:
            messages.success(request, _("Votre second facteur a été enregistré"))
            return redirect("mfa:manage")
        form.add_error("code", texts.ENROL_WRONG_CODE)
    uri = totp.provisioning_uri(secret, user.get_username())
    return render(
        request,
        "mfa/add_totp.html",
        {
            "form": form,
            "qr_svg": totp.qr_svg(uri, title=_("QR code de votre nouvelle clef TOTP")),
            "grouped_key": totp.grouped(secret),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_totp(request, pk: int):
    user = request.user
    device = get_object_or_404(TOTPDevice, pk=pk, user=user)
    if devices.is_last_required_device(user):
        messages.error(request, texts.STAFF_KEEPS_LAST_DEVICE)
        return redirect("mfa:manage")
    form, limited = confirm_password(request)
    if form.is_bound and form.is_valid() and not limited:
        devices.remove(request, user, device)
        messages.success(
            request, _("Le second facteur « %(name)s » a été supprimé.") % {"name": device.name}
        )
        return redirect("mfa:manage")
    return render(
        request, "mfa/delete_totp.html", {"form": form, "device": device, "limited": limited}
    )
