"""What the second-factor stage remembers, tied to the login in progress.

Only the chosen method and whether a code was mailed are kept, under a key naming the
login state (user and start time): a new or cancelled login starts afresh, and nothing
here can pass the stage; only a verified code completes it (accounts.flows.stages).
"""

SESSION_KEY = "_kiosque_mfa_stage"


def _login_ref(state) -> str:
    return f"{state.user_id}:{state.started_at}"


def _data(request, state) -> dict:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("login") != _login_ref(state):
        return {"login": _login_ref(state)}
    return data


def get(request, state, name: str, default=None):
    return _data(request, state).get(name, default)


def put(request, state, **values) -> None:
    data = _data(request, state)
    data.update(values)
    request.session[SESSION_KEY] = data


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)
