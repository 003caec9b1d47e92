"""What a reviewer may do to an account. Each action runs in one transaction and is audited
with the reviewer's reason; the views show a confirmation step before any of them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kiosque.accounts.flows import credentials, sessions
from kiosque.accounts.models import PasswordChangeReason
from kiosque.audit.services import AuditAction, record
from kiosque.mfa.flows.reset import reset_second_factors
from kiosque.professionals.flows import temporary_password
from kiosque.registration.flows.approve import enqueue_credentials


class ActionRefused(Exception):
    """The action does not apply to this account (message for the reviewer)."""


def _trace(action: str, user, by, reason: str, request) -> None:
    record(
        AuditAction.REVIEWER_ACTION,
        request=request,
        actor=by,
        target=user,
        context={"action": action, "reason": reason},
    )


def lock(user, *, by, reason, request=None):
    credentials.lock(user, reason, request=request)
    _trace("lock", user, by, reason, request)


def unlock(user, *, by, reason, request=None):
    credentials.unlock(user, request=request)
    _trace("unlock", user, by, reason, request)


def resend_credentials(user, *, by, reason, request=None):
    """A new temporary password replaces every previous password, sent with the login."""
    if not user.email:
        raise ActionRefused(_("Ce compte n'a pas de mail pour l'authentification."))
    issued = temporary_password.issue(user, request=request)
    enqueue_credentials(user, issued, first_account=False)
    record(
        AuditAction.CREDENTIALS_SENT,
        request=request,
        actor=by,
        target=user,
        context={"reason": reason, "expires_at": issued.expires_at.isoformat()},
    )


def reset_mfa(user, *, by, reason, request=None):
    reset_second_factors(user, by=by, request=request)
    _trace("reset_second_factors", user, by, reason, request)


def force_password_change(user, *, by, reason, request=None):
    credentials.force_password_change(user, PasswordChangeReason.REVIEWER, request=request)
    _trace("force_password_change", user, by, reason, request)


def deactivate(user, *, by, reason, request=None):
    """Data kept; sign-in refused with the same neutral message as a wrong password."""
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    sessions.end_all(user)
    record(
        AuditAction.ACCOUNT_DEACTIVATED,
        request=request,
        actor=by,
        target=user,
        context={"reason": reason},
    )


def reactivate(user, *, by, reason, request=None):
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    record(
        AuditAction.ACCOUNT_REACTIVATED,
        request=request,
        actor=by,
        target=user,
        context={"reason": reason},
    )


@dataclass(frozen=True)
class AccountAction:
    slug: str
    label: str
    explanation: str
    done: str
    run: Callable
    applies: Callable = lambda user: True
    reason_required: bool = True
    danger: bool = False


ACTIONS = {
    action.slug: action
    for action in (
        AccountAction(
            "verrouiller",
            _("Verrouiller le compte"),
            _("Toute connexion sera refusée et les sessions ouvertes seront fermées."),
            _("Le compte est verrouillé."),
            lock,
            applies=lambda user: not user.lock_in_force(),
            danger=True,
        ),
        AccountAction(
            "deverrouiller",
            _("Déverrouiller le compte"),
            _("L'utilisateur pourra à nouveau se connecter."),
            _("Le compte est déverrouillé."),
            unlock,
            applies=lambda user: user.is_locked,
        ),
        AccountAction(
            "renvoyer-identifiants",
            _("Envoyer de nouveaux identifiants"),
            _(
                "Un nouveau mot de passe temporaire est envoyé par mail avec l'identifiant ; "
                "l'ancien mot de passe ne fonctionne plus."
            ),
            _("De nouveaux identifiants ont été envoyés."),
            resend_credentials,
            applies=lambda user: user.is_active,
            danger=True,
        ),
        AccountAction(
            "reinitialiser-second-facteur",
            _("Réinitialiser les seconds facteurs"),
            _(
                "Les applications OTP et les clés d'accès enregistrées sont supprimées ; "
                "l'utilisateur se connectera avec un code reçu par mail."
            ),
            _("Les seconds facteurs ont été réinitialisés."),
            reset_mfa,
            danger=True,
        ),
        AccountAction(
            "imposer-changement-mot-de-passe",
            _("Imposer un changement de mot de passe"),
            _("L'utilisateur devra choisir un nouveau mot de passe à sa prochaine connexion."),
            _("Le changement de mot de passe est imposé à la prochaine connexion."),
            force_password_change,
            applies=lambda user: user.is_active,
        ),
        AccountAction(
            "desactiver",
            _("Désactiver le compte"),
            _(
                "Les données sont conservées mais toute connexion est refusée ; les sessions "
                "ouvertes sont fermées."
            ),
            _("Le compte est désactivé."),
            deactivate,
            applies=lambda user: user.is_active,
            danger=True,
        ),
        AccountAction(
            "reactiver",
            _("Réactiver le compte"),
            _("L'utilisateur pourra à nouveau se connecter."),
            _("Le compte est réactivé."),
            reactivate,
            applies=lambda user: not user.is_active,
        ),
    )
}


def perform(action: AccountAction, user, *, by, reason: str, request=None) -> None:
    if user.pk == by.pk:
        raise ActionRefused(_("Vous ne pouvez pas effectuer cette action sur votre propre compte."))
    if not action.applies(user):
        raise ActionRefused(_("Cette action ne s'applique pas à ce compte dans son état actuel."))
    with transaction.atomic():
        action.run(user, by=by, reason=reason, request=request)
