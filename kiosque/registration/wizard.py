"""The wizard's state: what each step received when it was last valid, kept in the session.

Only valid data is stored, as the raw submitted values (so a step's form can be rebound and
re-validated at any time); a step is reachable once every earlier step holds data. What was
typed on a step left with "Étape précédente" is kept apart, as a draft shown on return.
"""

from dataclasses import dataclass

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "registration_wizard"
DRAFTS_KEY = "registration_drafts"
SUBMITTED_KEY = "registration_submitted"


@dataclass(frozen=True)
class Step:
    name: str
    url_name: str
    title: str


STEPS = (
    Step("conditions", "start", _("Conditions d'utilisation")),
    Step("identity", "identity", _("Informations personnelles")),
    Step("contacts", "contacts", _("Contacts")),
    Step("establishment", "establishment", _("Informations établissement")),
    Step("interests", "interests", _("Précisez vos centres d'intérêt")),
    Step("summary", "summary", _("Récapitulatif")),
)
DATA_STEPS = tuple(step.name for step in STEPS if step.name != "summary")


def step_named(name: str) -> Step:
    return next(step for step in STEPS if step.name == name)


def raw_data(form) -> dict[str, list[str]]:
    """The submitted values of the form's own fields (nothing else of the POST is kept).

    Disabled fields (locked by Pro Santé Connect) are never taken from the POST.
    """
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = form.add_prefix(name)
        values = form.data.getlist(key) if hasattr(form.data, "getlist") else [form.data.get(key)]
        values = [value for value in values if value is not None]
        if values:
            data[key] = values
    return data


def _state(session) -> dict:
    return session.get(SESSION_KEY) or {}


def stored(session, step_name: str) -> MultiValueDict | None:
    data = _state(session).get(step_name)
    return MultiValueDict(data) if data is not None else None


def store(session, step_name: str, form) -> None:
    state = _state(session)
    state[step_name] = raw_data(form)
    session[SESSION_KEY] = state
    session.pop(SUBMITTED_KEY, None)
    forget_draft(session, step_name)


def store_draft(session, step_name: str, form) -> None:
    """What was typed on a step left by "Étape précédente", valid or not. A draft never makes
    a step complete: it is only shown again when the applicant comes back to the step."""
    drafts = session.get(DRAFTS_KEY) or {}
    drafts[step_name] = raw_data(form)
    session[DRAFTS_KEY] = drafts


def draft(session, step_name: str) -> MultiValueDict | None:
    data = (session.get(DRAFTS_KEY) or {}).get(step_name)
    return MultiValueDict(data) if data is not None else None


def forget_draft(session, step_name: str) -> None:
    drafts = session.get(DRAFTS_KEY) or {}
    if drafts.pop(step_name, None) is not None:
        session[DRAFTS_KEY] = drafts


def draft_initial(form, data: MultiValueDict) -> dict:
    """A draft as initial values of an unbound `form` (shown as typed, without errors)."""
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
        if not field.disabled
    }


def is_complete(session, step_name: str) -> bool:
    return step_name in _state(session)


def first_incomplete(session, before: str) -> Step | None:
    """The first earlier step without valid data, or None when `before` may be shown."""
    for step in STEPS:
        if step.name == before:
            return None
        if not is_complete(session, step.name):
            return step
    return None


def clear(session) -> None:
    session.pop(SESSION_KEY, None)
    session.pop(DRAFTS_KEY, None)


def claim_submission(session) -> bool:
    """Inside the submitting transaction: whether this session's wizard is still unsent.

    The same form posted twice at once (double click, two nodes behind a balancer) must be
    stored once. Concurrent claims for one session wait for each other until commit (SQLite
    serialises writers; PostgreSQL takes an advisory lock keyed by the session), then the
    session is read again from the store: the first request cleared the wizard and saved the
    session inside its transaction, so the second finds nothing left to send.
    """
    import hashlib

    from django.db import connection

    if session.session_key is None:
        return True
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"registration:{session.session_key}".encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
            )
    fresh = session.__class__(session_key=session.session_key).load()
    return bool(fresh.get(SESSION_KEY))
