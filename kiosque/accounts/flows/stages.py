"""The sign-in as a sequence of explicit stages held in the session.

identifier + password → second factor → (forced password change) → signed in.

The stages are declared once, as classes in `LOGIN_STAGES` (in the manner of allauth's
login stages): each says whom it concerns and where it is served. Adding a stage is adding
its class there; the order of the list is the order of the sign-in.

Nothing but this module writes the login state. A view serving a stage asks
`current(request)` and checks the stage it serves; it calls `complete(...)` when
the user has passed it, which cycles the session key and moves to the next stage,
or signs the user in when none is left. A later stage can never be reached by a
direct URL, a replayed POST or a second tab: the state names the one stage that
is open, and completing any other stage is refused.
"""

import hmac
import secrets
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as django_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from kiosque.accounts import app_settings
from kiosque.accounts.backends import account_can_authenticate

SESSION_KEY = "_kiosque_login"


class LoginStage:
    """A stage after the password: its name, where it is served, whom it concerns."""

    name: str  # the member of `Stage`
    key: str  # what the session holds
    url_name: str

    @classmethod
    def applies(cls, user) -> bool:
        raise NotImplementedError


class SecondFactorStage(LoginStage):
    """Served by the mfa app. First: nothing after it is open to a password alone."""

    name, key, url_name = "SECOND_FACTOR", "second_factor", "mfa:second_factor"

    @classmethod
    def applies(cls, user) -> bool:
        return app_settings.SECOND_FACTOR_REQUIRED


class PasswordChangeStage(LoginStage):
    """A temporary, expired or change-requested password is replaced before signing in."""

    name, key, url_name = "PASSWORD_CHANGE", "password_change", "accounts:password_change_required"

    @classmethod
    def applies(cls, user) -> bool:
        from kiosque.accounts.flows.login import password_expired

        return user.must_change_password or password_expired(user)


# The stages of the sign-in, in order: the one place to add a stage.
LOGIN_STAGES: tuple[type[LoginStage], ...] = (SecondFactorStage, PasswordChangeStage)
Stage = StrEnum("Stage", [(stage.name, stage.key) for stage in LOGIN_STAGES])
_BY_KEY = {stage.key: stage for stage in LOGIN_STAGES}


def pending_for(user) -> list[Stage]:
    """The stages `user` must pass after the password, in order."""
    return [Stage(stage.key) for stage in LOGIN_STAGES if stage.applies(user)]


def _url(stage: Stage) -> str:
    return reverse(_BY_KEY[str(stage)].url_name)


class StageError(Exception):
    """A stage was completed out of order (skipped, replayed, or from a stale tab)."""


@dataclass
class LoginState:
    user_id: int
    pending: list[str]
    methods: list[str] = field(default_factory=list)
    started_at: float = field(default_factory=lambda: timezone.now().timestamp())
    next_url: str = ""
    backend: str = ""  # the authentication backend that checked the password, if one did
    # The same from the password to the last stage: what a mailed code is bound to.
    attempt_id: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    # Changes at every transition: a form rendered for an earlier state (a stale tab, a
    # replayed POST, another login started meanwhile in a second tab) no longer matches.
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def matches(self, nonce: str | None) -> bool:
        return bool(nonce) and hmac.compare_digest(self.nonce, str(nonce))

    @property
    def stage(self) -> Stage:
        return Stage(self.pending[0])

    @property
    def user(self):
        if not hasattr(self, "_user"):
            self._user = get_user_model()._default_manager.get(pk=self.user_id)
        return self._user


def _lifetime() -> int:
    return app_settings.LOGIN_STAGE_SECONDS


def _save(request, state: LoginState) -> None:
    state.nonce = secrets.token_urlsafe(16)
    data = asdict(state)
    request.session[SESSION_KEY] = data
    # A new key at each transition, so a key known before it (fixation) opens nothing. A
    # session never saved has no key yet: the one it gets when the response saves it is new,
    # and cycling would write the row twice (create now, update at the response).
    if request.session.session_key is not None:
        request.session.cycle_key()


def begin(request, user, stages: list[Stage], *, method: str, next_url: str = ""):
    """The password is verified: open the first remaining stage, or sign in at once."""
    request.session.pop(SESSION_KEY, None)
    state = LoginState(
        user_id=user.pk,
        pending=[str(s) for s in stages],
        methods=[method],
        next_url=next_url,
        backend=getattr(user, "backend", ""),
    )
    state._user = user
    if not state.pending:
        return _finish(request, state)
    _save(request, state)
    return redirect(_url(state.stage))


def current(request) -> LoginState | None:
    """The login in progress in this session, or None (none, or expired)."""
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    try:
        if "attempt_id" not in data:  # begun before attempts had an identity: begin again
            raise ValueError(data)
        state = LoginState(**{k: v for k, v in data.items() if not k.startswith("_")})
        Stage(state.pending[0])
    except (TypeError, ValueError, IndexError):
        request.session.pop(SESSION_KEY, None)
        return None
    if timezone.now().timestamp() - state.started_at > _lifetime():
        request.session.pop(SESSION_KEY, None)
        return None
    return state


def serving(request, stage: Stage, user=None) -> LoginState | None:
    """The state if `stage` is the open stage of this session's login, else None.

    An account that may no longer authenticate (deactivated or locked meanwhile) ends the
    login. `user`: the account the caller already loaded for this state.
    """
    state = current(request)
    if state is None or state.stage != stage:
        return None
    if user is not None and user.pk == state.user_id:
        state._user = user
    if not account_can_authenticate(state.user):
        cancel(request)
        return None
    return state


def redirect_to_open_stage(request):
    """Where a request for the wrong stage goes: the open stage, or the login page."""
    state = current(request)
    if state is None:
        return redirect(settings.LOGIN_URL)
    return redirect(_url(state.stage))


def complete(request, stage: Stage, *, method: str = "", user=None):
    """`stage` is passed: open the next one, or sign the user in.

    `user`: the account the caller already loaded for this state (saves reading it again).
    """
    state = serving(request, stage, user)
    if state is None:
        raise StageError(f"stage {stage} is not the open stage")
    state.pending.pop(0)
    if method:
        state.methods.append(method)
    if state.pending:
        _save(request, state)
        return redirect(_url(state.stage))
    return _finish(request, state)


def cancel(request) -> None:
    request.session.pop(SESSION_KEY, None)


def _finish(request, state: LoginState):
    from kiosque.accounts.flows import signed_in

    user = state.user
    request.session.pop(SESSION_KEY, None)
    signed_in.set_methods(request, state.methods)
    current = getattr(request, "user", None)  # absent on a request no middleware has seen
    if current is not None and current.is_authenticated:
        # Signing in again (accounts.flows.reauthentication): Django's login() keeps the key
        # of a session of the same user; a new sign-in gets a new key all the same.
        request.session.cycle_key()
    # The backend that checked the password (None: Django takes the one configured). One
    # transaction: the new session row, last_login and what user_logged_in writes (ledger,
    # history, audit) commit together, in one commit instead of one per statement.
    with transaction.atomic():
        django_login(request, user, backend=state.backend or None)
    return redirect(state.next_url or settings.LOGIN_REDIRECT_URL)
