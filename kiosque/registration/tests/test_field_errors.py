"""On every wizard step, each error is next to its field (core/field.html), named by the
field's aria-describedby: the page checked as the applicant's browser receives it."""

import pytest

from kiosque.registration.tests.conftest import STEP_URLS
from kiosque.testing.field_markup import field_problems

ALL_EMPTY = {
    "conditions": {"accept": None},
    "identity": dict.fromkeys(
        ("profession", "last_name", "birth_name", "first_name", "birth_date"), ""
    ),
    "contacts": dict.fromkeys(("phone_mobile", "email_auth", "email_auth_confirmation"), ""),
    "establishment": {
        "etab1_query": "",
        "etab1_finess": "",
        "etab1_not_listed": "on",
        "etab1_service": "",
        "etab1_postal_code": "123",
        "add_second": "on",
    },
}
BEFORE = {
    "conditions": (),
    "identity": ("conditions",),
    "contacts": ("conditions", "identity"),
    "establishment": ("conditions", "identity", "contacts"),
}


@pytest.mark.parametrize("step", list(ALL_EMPTY))
def test_every_error_of_the_step_is_next_to_its_field(wizard, step):
    if BEFORE[step]:
        wizard.complete(*BEFORE[step])
    response = wizard.post(step, **ALL_EMPTY[step])
    assert response.status_code == 200
    form = response.context["form"]
    in_error = [field for field in form if field.errors]
    assert len(in_error) >= (1 if step == "conditions" else 3)
    assert field_problems(response.content.decode(), in_error) == []


def test_the_captcha_error_is_next_to_it(wizard, captcha_test_mode):
    wizard.complete()
    response = wizard.submit(captcha="")
    form = response.context["form"]
    assert form["captcha"].errors
    assert field_problems(response.content.decode(), [form["captcha"]]) == []
    assert STEP_URLS["summary"] in response.request["PATH_INFO"]
