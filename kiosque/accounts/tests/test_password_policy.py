import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from kiosque.accounts import passwords as passwords_module
from kiosque.accounts import validators
from kiosque.accounts.flows import credentials
from kiosque.accounts.passwords import generate_password
from kiosque.accounts.tests.conftest import signed_in_client


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1a", "Le mot de passe doit contenir au moins 12 caractères."),
        ("SANS-MINUSCULE-12", "Le mot de passe doit contenir au moins 1 minuscule."),
        ("sans-majuscule-12", "Le mot de passe doit contenir au moins 1 majuscule."),
        ("Sans-Chiffre-Ici", "Le mot de passe doit contenir au moins 1 chiffre."),
        (
            "SansSpecial12ab",
            "Le mot de passe doit contenir au moins 1 caractère spécial (@, !, $, …).",
        ),
    ],
)
def test_each_policy_rule_has_its_french_message(password, message, db):
    assert message in messages_for(password)


def test_a_compliant_password_passes(db):
    assert messages_for("Vrai-Secret-2026") == []


def test_policy_is_configurable(settings, db):
    settings.KIOSQUE_PASSWORD_MIN_LENGTH = 16
    settings.KIOSQUE_PASSWORD_MIN_DIGITS = 2
    found = messages_for("Vrai-Secret-2a")
    assert "Le mot de passe doit contenir au moins 16 caractères." in found
    assert "Le mot de passe doit contenir au moins 2 chiffres." in found


def test_common_password_is_refused_in_french(db):
    with pytest.raises(ValidationError) as error:
        validators.FrenchCommonPasswordValidator().validate("password123")
    assert error.value.messages == [
        "Ce mot de passe est trop courant : choisissez-en un moins prévisible."
    ]


def test_password_containing_login_or_names_is_refused(make_user):
    user = make_user("hlefevre", first_name="Hélène", last_name="Lefèvre")
    message = "Le mot de passe ne doit contenir ni votre identifiant ni vos nom et prénom."
    assert message in messages_for("Xx-hlefevre-2026", user)
    assert message in messages_for("Helene-Secret-2026", user)
    assert message in messages_for("Secret-LEFEVRE-26", user)
    assert message not in messages_for("Vrai-Secret-2026", user)


def test_last_five_passwords_cannot_be_reused(make_user):
    user = make_user(password="Premier-Secret-01")
    for n in range(2, 7):
        credentials.set_password(user, f"Mot-De-Passe-N{n:02d}")
    # The last five are N02..N06; the very first one dropped out of the history.
    for n in range(2, 7):
        assert "Ce mot de passe a déjà été utilisé" in " ".join(
            messages_for(f"Mot-De-Passe-N{n:02d}", user)
        )
    assert messages_for("Premier-Secret-01", user) == []


def test_generated_passwords_follow_the_policy(db):
    for _ in range(50):
        assert messages_for(generate_password()) == []


def test_generated_passwords_follow_a_stricter_policy(db, settings):
    settings.KIOSQUE_PASSWORD_MIN_LENGTH = 20
    settings.KIOSQUE_PASSWORD_MIN_SPECIAL = 3
    settings.KIOSQUE_PASSWORD_MIN_DIGITS = 4
    for _ in range(50):
        password = generate_password()
        assert len(password) >= 20
        assert messages_for(password) == []


LOOK_ALIKES = set("0Oo1lIi|")
MAIL_FORMATTING = set("*_~`")


def test_generated_passwords_are_easy_to_copy_from_a_mail():
    passwords = [generate_password() for _ in range(2000)]
    for password in passwords:
        assert password[0].isalpha() and password[-1].isalpha(), password
        assert not LOOK_ALIKES & set(password), password
        assert not MAIL_FORMATTING & set(password), password
        assert password.isascii()
    assert len(set(passwords)) == len(passwords)
    # Every allowed character turns up somewhere: the alphabets are not narrower than meant.
    assert set("".join(passwords)) == set(
        passwords_module.LOWER
        + passwords_module.UPPER
        + passwords_module.DIGITS
        + passwords_module.SPECIALS
    )


def test_change_page_lists_the_rules_with_the_generator(client, user):
    signed_in_client(client, user)
    page = client.get("/compte/mot-de-passe/").content.decode()
    for text in [
        "Changez votre mot de passe",
        "Merci de respecter la politique suivante :",
        "Taille minimale : 12",
        "Minimum de minuscules : 1",
        "Minimum de majuscules : 1",
        "Minimum de chiffres : 1",
        "Minimum de caractères spéciaux : 1",
        "Générer le mot de passe automatiquement",
        "Envoyer",
        "Retourner au portail",
        "accounts/js/password_policy.js",
    ]:
        assert text in page
    assert "<script>" not in page


def test_policy_script_is_served_and_uses_the_browser_crypto(client, db):
    from django.contrib.staticfiles import finders

    path = finders.find("accounts/js/password_policy.js")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    assert "crypto.getRandomValues" in source
    assert "Math.random" not in source
