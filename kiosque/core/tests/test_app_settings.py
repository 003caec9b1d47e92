"""Typed app settings (kiosque.config.Setting): read live, defaults in one place."""

import environ

from kiosque.accounts import app_settings as accounts_settings
from kiosque.accounts.app_settings import AccountsSettings
from kiosque.core.app_settings import CoreSettings
from kiosque.mail.app_settings import MailSettings


def test_a_read_sees_the_settings_fixture_at_once(settings):
    settings.KIOSQUE_PASSWORD_HISTORY = 9
    assert accounts_settings.PASSWORD_HISTORY == 9


def test_the_declared_default_fills_in_when_django_settings_lack_it(settings):
    del settings.KIOSQUE_PASSWORD_HISTORY
    assert accounts_settings.PASSWORD_HISTORY == AccountsSettings.PASSWORD_HISTORY.default == 5


def test_the_environment_is_read_with_the_type_of_the_default(monkeypatch):
    monkeypatch.setenv("KIOSQUE_PASSWORD_HISTORY", "8")
    monkeypatch.setenv("KIOSQUE_SECOND_FACTOR_REQUIRED", "0")
    monkeypatch.setenv("KIOSQUE_PASSWORD_REMINDER_DAYS", "30,7,1")
    monkeypatch.setenv("KIOSQUE_BASE_URL", "https://kiosque.example.fr/")
    env = environ.Env()
    values = AccountsSettings.from_environment(env)
    assert values["KIOSQUE_PASSWORD_HISTORY"] == 8
    assert values["KIOSQUE_SECOND_FACTOR_REQUIRED"] is False
    assert values["KIOSQUE_PASSWORD_REMINDER_DAYS"] == [30, 7, 1]
    assert values["KIOSQUE_PASSWORD_MIN_LENGTH"] == 12  # not in the environment: the default
    assert CoreSettings.from_environment(env)["KIOSQUE_BASE_URL"] == "https://kiosque.example.fr"


def test_a_derived_setting_is_left_to_settings_py(monkeypatch):
    monkeypatch.delenv("KIOSQUE_DEV_MAILBOX", raising=False)
    assert "KIOSQUE_DEV_MAILBOX" not in MailSettings.from_environment(environ.Env())
    assert "KIOSQUE_DEV_MAILBOX" in MailSettings.declared()
