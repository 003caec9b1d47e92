"""ASVS 2.1.2-2.1.4, 2.1.11, 2.1.12: what a password may be, and what the forms let people do.

The passwords are set through the real change form and checked through the real sign-in, with
the production hasher (argon2id; cheap parameters to keep the test fast): bcrypt, for
instance, would silently cut a password at 72 bytes, argon2 hashes every byte.
"""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.resilience.actors import PASSWORD, signed_in

REPO = Path(__file__).resolve().parents[2]
CLIPBOARD_HANDLER = re.compile(
    r"""addEventListener\(\s*["'](paste|copy|cut|drop)["']|\bon(paste|copy|cut|drop)\s*="""
)
PASSWORD_INPUT = re.compile(r"<input[^>]*type=\"password\"[^>]*>")
LONG = "Aa1!" + "".join(chr(ord("a") + i % 26) for i in range(120)) + "Zz9?"  # 128 characters
UNICODE = " Ωmega 密码 é\u0301tà 🔑 Пароль-9 \u200b x "  # spaces, CJK, combining mark, emoji, ZWSP


@pytest.fixture(autouse=True)
def _production_hasher(settings):
    settings.PASSWORD_HASHERS = ["kiosque.accounts.hashers.KiosqueArgon2PasswordHasher"]
    settings.KIOSQUE_ARGON2_MEMORY_KIB = 1024
    settings.KIOSQUE_ARGON2_TIME_COST = 1


def change_password(user, new):
    client = signed_in(user)
    response = client.post(
        "/compte/mot-de-passe/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def password_accepted(user, password) -> bool:
    response = Client().post("/connexion/", {"username": user.username, "password": password})
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("length", [64, 128, 1000])
def test_long_passwords_are_allowed_and_never_truncated(make_user, length):
    """2.1.2 (64+ characters allowed) and 2.1.3 (no truncation: only the exact password)."""
    user = make_user()
    password = (LONG * 8)[:length]
    change_password(user, password)
    assert password_accepted(user, password)
    assert not password_accepted(user, password[:-1])  # its prefix
    assert not password_accepted(user, password[:-1] + "#")  # the last character changed
    assert not password_accepted(user, password[: length // 2])
    assert not password_accepted(user, password + "x")


@pytest.mark.django_db
def test_any_printable_unicode_is_allowed_and_kept_exactly(make_user):
    """2.1.4: spaces, non-Latin scripts, emoji, combining marks are accepted and significant
    (no stripping, no case folding)."""
    user = make_user()
    change_password(user, UNICODE)
    assert password_accepted(user, UNICODE)
    assert not password_accepted(user, UNICODE.strip())
    assert not password_accepted(user, UNICODE.replace("Ω", "ω"))
    assert not password_accepted(user, UNICODE.replace("é\u0301", "é"))  # another code point


@pytest.mark.django_db
def test_password_fields_welcome_paste_and_password_managers(make_user):
    """2.1.11: every password field names its purpose for password managers (current-password
    / new-password, never autocomplete=off) and nothing blocks paste, copy or drop."""
    user = make_user()
    pages = {
        "/connexion/": Client().get("/connexion/"),
        "/compte/mot-de-passe/": signed_in(user).get("/compte/mot-de-passe/"),
    }
    for path, response in pages.items():
        inputs = PASSWORD_INPUT.findall(response.content.decode())
        assert inputs, path
        for tag in inputs:
            assert re.search(r'autocomplete="(current-password|new-password)"', tag), (path, tag)
            assert not re.search(r"on(paste|copy|drop|cut)=", tag, re.I), (path, tag)
    scripts = list(REPO.glob("kiosque/*/static/**/*.js"))
    assert scripts
    for script in scripts:
        text = script.read_text()
        assert not CLIPBOARD_HANDLER.search(text), script


@pytest.mark.django_db
def test_password_pages_load_the_show_hide_button(make_user):
    """2.1.12: the sign-in and every new-password page load the show/hide script."""
    user = make_user()
    pages = [
        Client().get("/connexion/"),
        signed_in(user).get("/compte/mot-de-passe/"),
    ]
    for response in pages:
        page = response.content.decode()
        assert "accounts/js/password_toggle" in page
        assert 'data-show="Afficher le mot de passe"' in page
    for template in ("password_change_required.html", "password_reset_form.html"):
        text = (REPO / "kiosque/accounts/templates/accounts" / template).read_text()
        assert "accounts/js/password_toggle.js" in text, template


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_show_hide_button_and_paste_in_chromium(page):
    """2.1.12 and 2.1.11 in a real browser: the button shows and hides the password (and says
    so to screen readers); a paste event reaches the field unblocked."""
    from playwright.sync_api import expect

    page.goto("/connexion/")
    field = page.locator("#id_password")
    field.fill("Secret-mot-2-passe")
    expect(field).to_have_attribute("type", "password")
    button = page.get_by_role("button", name="Afficher le mot de passe")
    button.click()
    expect(field).to_have_attribute("type", "text")
    hide = page.get_by_role("button", name="Masquer le mot de passe")
    expect(hide).to_have_attribute("aria-pressed", "true")
    hide.click()
    expect(field).to_have_attribute("type", "password")
    blocked = field.evaluate(
        """input => {
            const data = new DataTransfer();
            data.setData("text/plain", "colle");
            const event = new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true});
            return !input.dispatchEvent(event);
        }"""
    )
    assert blocked is False
