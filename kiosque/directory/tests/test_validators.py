import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kiosque.directory.validators import (
    luhn_check_digit,
    luhn_is_valid,
    normalize_phone,
    validate_adeli,
    validate_finess,
    validate_rpps,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def code_of(call, value):
    with pytest.raises(ValidationError) as caught:
        call(value)
    return caught.value.code


@pytest.mark.parametrize("value", ["10000000009", "12345678903", "10012345673", "100 000 000 09"])
def test_valid_rpps(value):
    validate_rpps(value)


def test_rpps_wrong_key_is_refused_with_a_french_sentence():
    with pytest.raises(ValidationError) as caught:
        validate_rpps("10012345678")
    assert caught.value.code == "rpps_key"
    assert "clé de contrôle" in caught.value.messages[0]


@pytest.mark.parametrize("value", ["", "1000000000", "100000000090", "1000000000A", "abc"])
def test_rpps_wrong_length_or_characters(value):
    assert code_of(validate_rpps, value) == "rpps_format"


def test_adeli():
    validate_adeli("370000481")
    assert code_of(validate_adeli, "370000482") == "adeli_key"
    assert code_of(validate_adeli, "37000048") == "adeli_format"
    with pytest.raises(ValidationError) as caught:
        validate_adeli("370000482")
    assert "pourra" in caught.value.messages[0]  # a reviewer may override


@pytest.mark.parametrize("value", ["280503848", "370000481", "2A0000012", "2b1234567"])
def test_valid_finess(value):
    validate_finess(value)


def test_finess_refusals():
    assert code_of(validate_finess, "280503847") == "finess_key"
    assert code_of(validate_finess, "28050384") == "finess_format"
    assert code_of(validate_finess, "28050384é") == "finess_format"


def test_luhn_helpers():
    assert luhn_is_valid("10000000009")
    assert not luhn_is_valid("")
    assert not luhn_is_valid("12a")
    assert luhn_check_digit("1234567890") == "3"
    with pytest.raises(ValueError):
        luhn_check_digit("12a")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 75 03 05 22", "+33675030522"),
        ("0675030522", "+33675030522"),
        ("06.75.03.05.22", "+33675030522"),
        ("+33 6 75 03 05 22", "+33675030522"),
        ("+33 (0)6 75 03 05 22", "+33675030522"),
        ("0033675030522", "+33675030522"),
        ("02 54 70 55 26", "+33254705526"),
        ("0690 12 34 56", "+590690123456"),
        ("0262 12 34 56", "+262262123456"),
        ("0696 12 34 56", "+596696123456"),
        ("0594 12 34 56", "+594594123456"),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12", "06 75 03 05", "abcdefghij", "+33 6 90 12 34 56 78 9"])
def test_invalid_phone(raw):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(raw)
    assert caught.value.code in {"phone_format", "phone_invalid", "phone_length"}


# Property-based checks ----------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_any_ten_digits_with_their_key_are_a_valid_rpps(body):
    validate_rpps(body + luhn_check_digit(body))


@given(
    st.text(alphabet="0123456789", min_size=10, max_size=10),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=1, max_value=9),
)
def test_changing_one_digit_breaks_the_rpps(body, position, delta):
    number = list(body + luhn_check_digit(body))
    number[position] = str((int(number[position]) + delta) % 10)
    with pytest.raises(ValidationError):
        validate_rpps("".join(number))


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_any_eight_digits_with_their_key_are_a_valid_finess_and_adeli(body):
    validate_finess(body + luhn_check_digit(body))
    validate_adeli(body + luhn_check_digit(body))


@given(st.text(max_size=60))
def test_random_text_only_ever_raises_validation_error(text):
    for validator in (validate_rpps, validate_adeli, validate_finess, normalize_phone):
        with contextlib.suppress(ValidationError):
            validator(text)
