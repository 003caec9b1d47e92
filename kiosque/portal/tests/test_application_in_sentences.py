"""An application's name in a French sentence: "votre demande d'accès à l'application
Dossier Communicant de Cancérologie", never "à Dossier…" or "à DCC" (no article), for every
application of the catalogue."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from kiosque.portal import demo

pytestmark = pytest.mark.django_db

TEMPLATES = Path(demo.__file__).resolve().parent / "templates"
MAIL_TEMPLATES = sorted(
    str(path.relative_to(TEMPLATES)) for path in (TEMPLATES / "portal" / "email").glob("*.txt")
)


def names_without_article(text: str, names) -> list[str]:
    """Each name in `text` not introduced by "l'application "."""
    found = []
    for name in names:
        for match in re.finditer(rf"(\S+ )?{re.escape(name)}\b", text):
            if match.group(1) != "l'application ":
                found.append(match.group(0))
    return found


def test_the_mails_name_the_application_with_its_article():
    assert len(MAIL_TEMPLATES) >= 10
    for application in demo.load_catalogue():
        names = {application.name, application.long_name}
        context = {
            "first_name": "Nathalie",
            "last_name": "Dupont",
            "application_name": application.name,
            "application_title": application.long_name or application.name,
            "requester": "Nathalie Dupont",
            "platform_name": "Kiosque",
        }
        for template in MAIL_TEMPLATES:
            text = render_to_string(template, context)
            if application.name in text or application.long_name in text:
                assert names_without_article(text, names) == [], (template, text)


def test_the_referent_page_titles_name_the_application_with_its_article(
    client, dcc, dcc_referent, oncocentre_member, submit_dcc
):
    access_request = submit_dcc(oncocentre_member())
    client.force_login(dcc_referent)
    page = client.get(f"/applications/referent/demandes/{access_request.pk}/").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert heading.startswith("Demande d'accès à l'application DCC")
