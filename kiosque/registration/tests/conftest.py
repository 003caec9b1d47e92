import html
import itertools

import pytest
from django.test import Client

from kiosque.directory.models import Departement, Establishment
from kiosque.directory.services.indexing import save_establishment

_addresses = itertools.count(1)

CONDITIONS = {"accept": "on"}
IDENTITY = {
    "profession": "10",
    "specialty": "SM35",
    "rpps": "10000000009",
    "adeli": "",
    "cpx_number": "",
    "title": "DR",
    "civility": "MME",
    "last_name": "DUPONT",
    "birth_name": "PETIT",
    "first_name": "Nathalie",
    "birth_date": "07/06/1994",
}
CONTACTS = {
    "phone_professional": "02 47 47 47 47",
    "phone_mobile": "06 75 03 05 22",
    "email_auth": "nathalie.petit@example.fr",
    "email_auth_confirmation": "nathalie.petit@example.fr",
    "email_communication": "secretariat.onco@example.fr",
}
ESTABLISHMENT = {
    "etab1_query": "AIRBP IRC DREUX",
    "etab1_finess": "280503848",
    "etab1_function": "Médecin",
    "etab1_service": "ADMINISTRATION",
    "etab1_country": "FRANCE",
    "etab2_country": "FRANCE",
}
STEP_URLS = {
    "conditions": "/inscription/",
    "identity": "/inscription/identite/",
    "contacts": "/inscription/contacts/",
    "establishment": "/inscription/etablissement/",
    "interests": "/inscription/centres-interet/",
    "summary": "/inscription/recapitulatif/",
}
STEP_DATA = {
    "conditions": CONDITIONS,
    "identity": IDENTITY,
    "contacts": CONTACTS,
    "establishment": ESTABLISHMENT,
    "interests": {},  # optional step: nothing ticked
}


@pytest.fixture
def client(db):
    """A client with its own address, so rate-limit counters never spill between tests."""
    number = next(_addresses)
    return Client(REMOTE_ADDR=f"10.28.{number // 250}.{number % 250 + 1}")


@pytest.fixture
def establishments(db):
    rows = [
        ("280503848", "AIRBP IRC DREUX", "28100", "DREUX", "28"),
        ("280000134", "CENTRE HOSPITALIER DE DREUX", "28100", "DREUX", "28"),
        ("370000481", "CHRU DE TOURS", "37000", "TOURS", "37"),
    ]
    made = []
    for finess, name, postal_code, city, departement in rows:
        establishment = Establishment(
            finess=finess,
            name=name,
            postal_code=postal_code,
            city=city,
            departement=Departement.objects.get(pk=departement),
        )
        save_establishment(establishment)
        made.append(establishment)
    return made


class Wizard:
    """Drives the wizard step by step with a test client."""

    def __init__(self, client):
        self.client = client

    def post(self, step, **changes):
        data = {**STEP_DATA[step], **changes}
        data = {key: value for key, value in data.items() if value is not None}
        return self.client.post(STEP_URLS[step], data)

    def complete(self, *steps, **changes):
        """Post valid data for `steps` (default: every step before the summary)."""
        for step in steps or ("conditions", "identity", "contacts", "establishment", "interests"):
            response = self.post(step, **changes.get(step, {}))
            assert response.status_code == 302, response.content.decode()[:3000]
        return response

    def submit(self, captcha="PASSED"):
        """Send the summary; "PASSED" is accepted in the captcha's test mode only (see
        `solved_captcha` for a real solution)."""
        return self.client.post(STEP_URLS["summary"], {"captcha": captcha})


@pytest.fixture
def wizard(client, establishments):
    return Wizard(client)


@pytest.fixture
def captcha_test_mode(settings):
    settings.KIOSQUE_CAPTCHA_TEST_MODE = True


@pytest.fixture
def cheap_captcha(settings):
    """A proof of work a test solves in a few milliseconds."""
    settings.KIOSQUE_CAPTCHA_COST = 1


def solved_captcha(client) -> str:
    """What the widget posts: a challenge fetched from the site, solved (altcha's solver)."""
    import altcha

    issued = client.get("/inscription/recapitulatif/verification/").json()
    challenge = altcha.Challenge.from_dict(issued)
    solution = altcha.solve_challenge(challenge)
    return altcha.Payload(challenge, solution).to_base64()


def page_text(response) -> str:
    """The page with HTML entities decoded (Django escapes apostrophes as &#x27;)."""
    return html.unescape(response.content.decode())
