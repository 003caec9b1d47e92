"""The connection history, when the accounts app provides it."""


def record_failed_code(request, user, method: str) -> None:
    try:
        from kiosque.accounts.flows.history import record_attempt
    except ImportError:  # the accounts app's history is not there yet
        return
    record_attempt(request, user, "wrong_code", second_factor=method)
