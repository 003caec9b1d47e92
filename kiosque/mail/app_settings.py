"""The mail settings, with their defaults (docs/configuration.md lists them all).

Read them here: `from kiosque.mail import app_settings; app_settings.MAIL_BATCH_SIZE`.
"""

from kiosque.config import AppSettings, Setting


class MailSettings(AppSettings):
    # How often the worker looks for new e-mails, and how many it claims per pass.
    MAIL_POLL_SECONDS = Setting(1.0)
    MAIL_BATCH_SIZE = Setting(50)
    # 1: each accepted message is marked sent at once, so a killed worker can resend only the
    # message in flight (the boundary SMTP itself forces). Larger values mark in groups (less
    # CPU per message, up to that many resent after a crash): kiosque/mail/delivery.py.
    MAIL_MARK_EVERY = Setting(1)
    MAIL_MARK_MAX_DELAY_SECONDS = Setting(0.2)
    # A claimed message is another worker's again after this long (a crashed worker's lease).
    MAIL_LEASE_SECONDS = Setting(300)
    # Delivery attempts before a message is given up, and the retry backoff (doubling, capped).
    MAIL_MAX_ATTEMPTS = Setting(30)
    MAIL_RETRY_BASE_SECONDS = Setting(30)
    MAIL_RETRY_MAX_SECONDS = Setting(3600)
    # Bodies of sent mails, and the dev mailbox's mails, are purged after this many days.
    MAIL_BODY_RETENTION_DAYS = Setting(30)
    DEV_MAILBOX_RETENTION_DAYS = Setting(30)
    # The dev mailbox: on in dev, off elsewhere unless set (settings.py derives it from ENV).
    DEV_MAILBOX = Setting()


_settings = MailSettings()


def __getattr__(name: str):
    return getattr(_settings, name)
