"""Step-up: a signed-in session asked for a stronger means than its sign-in used.

The authorization endpoint calls `begin` when an application (its required level, or the
acr_values of its request) asks for more than the session reached; the step-up page
offers the user's means that reach it, checks one through the verifications of the
second-factor stage (TOTP, passkey, mailed code), then `complete` adds the method to the
session's sign-in methods, so its level (kiosque.mfa.levels) and the next ID token's
acr/amr are raised, and sends the user back to the same authorization request.

What is kept in the session names the user and the level: nothing in it can raise the
level; only a verified means does.
"""

import secrets
import time
from dataclasses import asdict, dataclass, field

from kiosque.accounts import app_settings as accounts_settings
from kiosque.accounts.flows.signed_in import AMR_SESSION_KEY
from kiosque.mfa import levels
from kiosque.mfa.flows import methods, stage_state

SESSION_KEY = "_kiosque_step_up"


@dataclass
class StepUp:
    user_id: int
    level: str
    next_url: str
    application: str = ""
    started_at: float = field(default_factory=time.time)
    # What a mailed code is bound to (as the sign-in attempt is for the stage).
    attempt_id: str = field(default_factory=lambda: secrets.token_urlsafe(16))


def _lifetime() -> int:
    return accounts_settings.LOGIN_STAGE_SECONDS


def begin(request, level: str, *, next_url: str, application: str = "") -> None:
    """The session must reach `level`; then back to `next_url` (built by the caller)."""
    state = StepUp(user_id=request.user.pk, level=level, next_url=next_url, application=application)
    stage_state.clear(request)
    request.session[SESSION_KEY] = asdict(state)


def current(request) -> StepUp | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not request.user.is_authenticated:
        return None
    try:
        state = StepUp(**data)
    except TypeError:
        state = None
    if (
        state is None
        or state.user_id != request.user.pk
        or state.level not in levels.LEVELS
        or time.time() - state.started_at > _lifetime()
    ):
        cancel(request)
        return None
    return state


def offered(user, level: str) -> list[str]:
    """The means `user` holds that reach `level`, strongest first (methods.available)."""
    return [m for m in methods.available(user) if levels.at_least(levels.METHOD_LEVEL[m], level)]


def cancel(request) -> None:
    request.session.pop(SESSION_KEY, None)
    stage_state.clear(request)


def complete(request, state: StepUp, method: str) -> str:
    """`method` was verified (and audited as mfa.verified by its check): the session's
    sign-in now counts it. Returns where to go."""
    used = levels.session_methods(request)
    if method not in used:
        used.append(method)
    request.session[AMR_SESSION_KEY] = used
    cancel(request)
    request.session.cycle_key()  # a session with more rights gets a new key
    return state.next_url
