import pytest
from django.core.exceptions import ValidationError

from cap.validators import nhs_number_is_valid, normalise_postcode, validate_nhs_number, validate_postcode


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_nhs_number_with_matching_check_digit_is_valid(number):
    assert nhs_number_is_valid(number)
    validate_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "4010232138"])
def test_nhs_number_with_wrong_check_digit_is_refused_naming_the_check_digit(number):
    with pytest.raises(ValidationError, match="check digit"):
        validate_nhs_number(number)


def test_nhs_number_whose_check_would_be_ten_is_never_valid():
    # 1000000010: weights give sum 1*10 + 1*2 = 12, 11 - 12 % 11 = 10.
    stem = "100000001"
    assert all(not nhs_number_is_valid(stem + d) for d in "0123456789")


@pytest.mark.parametrize("number", ["943476591", "94347659199", "94347659A9", ""])
def test_nhs_number_not_ten_digits_is_refused(number):
    with pytest.raises(ValidationError, match="10 digits"):
        validate_nhs_number(number)


@pytest.mark.parametrize("raw, tidy", [("le16tp", "LE1 6TP"), ("LE15  6HP", "LE15 6HP"),
                                       ("pe9 1aa", "PE9 1AA")])
def test_postcodes_are_tidied_and_accepted(raw, tidy):
    assert normalise_postcode(raw) == tidy
    validate_postcode(raw)


@pytest.mark.parametrize("bad", ["LE1", "12345", "LE1 6T", "<b>LE1</b>"])
def test_malformed_postcode_is_refused(bad):
    with pytest.raises(ValidationError):
        validate_postcode(bad)
