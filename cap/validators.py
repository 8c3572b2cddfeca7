"""Validators for identifiers a clinician types: NHS numbers and UK postcodes."""

import re

from django.core.exceptions import ValidationError

_POSTCODE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 - (sum mod 11) is the check digit,
    11 becomes 0 and 10 means the number can never be valid."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError("Enter an NHS number with 10 digits, like 943 476 5919.", code="format")
    if not nhs_number_is_valid(digits):
        raise ValidationError("This NHS number is not valid: its check digit does not match.",
                              code="check_digit")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", (value or "").upper())
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def validate_postcode(value: str) -> None:
    if not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a full UK postcode, like LE1 6TP.", code="postcode")
