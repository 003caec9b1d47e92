"""Periodic jobs of the accounts app (run by `kiosque worker`)."""

from datetime import timedelta

from kiosque.accounts.flows import expiry, history, sessions
from kiosque.core.jobs import periodic


@periodic("accounts.password_expiry_reminders", every=timedelta(hours=1))
def password_expiry_reminders() -> int:
    return expiry.send_reminders()


@periodic("accounts.purge_connection_history", every=timedelta(hours=24))
def purge_connection_history() -> int:
    return history.purge()


@periodic("accounts.purge_stale_sessions", every=timedelta(hours=1))
def purge_stale_sessions() -> int:
    return sessions.purge_stale()
