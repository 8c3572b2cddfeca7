"""The header's one search box for staff (cap:find): what was typed, read as an NHS
number, a referral reference, or a name with a date of birth.

The search itself is the call handler's person search (cap.selectors.people_search):
one rule for who matches, whichever page asks."""

import re
from dataclasses import dataclass
from datetime import date

from django import forms

from core.forms import NHSFormMixin

from .validators import normalise_nhs_number

MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}

# Digits with or without spaces (943 476 5919), or in the 3-3-4 groups some letters print.
NHS_NUMBER = re.compile(r"\d[\d ]*|\d{3}-\d{3}-\d{4}")
REFERENCE = re.compile(r"REF[\s-]?(\d{1,9})", re.IGNORECASE)
# A date of birth at the end: 12/03/1990, 12-3-1990, 12.03.1990, 1990-03-12 or 12 March 1990.
NUMERIC_DATE = re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$")
ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
WORDS_DATE = re.compile(r"(?P<d>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?\s+(?P<y>\d{4})$")
NAME = re.compile(r"[^\W\d_][\w' -]*", re.UNICODE)

HOW = ("Enter an NHS number, a name and date of birth (like Asha Patel 12/03/1990), or a referral "
       "reference (like REF-0000123)")
TOO_SHORT = "Enter at least 3 characters: an NHS number, a name and date of birth, or a referral reference"
MAX_LENGTH = 120


@dataclass(frozen=True)
class FindKey:
    """What to look for: exactly one of an NHS number, a reference, or a name with a
    date of birth."""

    nhs_number: str = ""
    reference: str = ""
    family_name: str = ""
    given_name: str = ""
    date_of_birth: date | None = None

    @property
    def person_search(self) -> dict:
        """The arguments of cap.selectors.people_search."""
        if self.nhs_number:
            return {"nhs_number": self.nhs_number}
        return {"family_name": self.family_name, "given_name": self.given_name,
                "date_of_birth": self.date_of_birth}


def _date_at_end(text: str) -> tuple[str, date | None]:
    """The text before a date of birth at its end, and the date (None when there is none,
    or it is not a real date)."""
    for pattern in (NUMERIC_DATE, ISO_DATE, WORDS_DATE):
        if match := pattern.search(text):
            parts = match.groupdict()
            month = MONTHS.get(parts["month"].lower()) if "month" in parts else int(parts["m"])
            try:
                born = date(int(parts["y"]), month or 0, int(parts["d"]))
            except ValueError:
                return text[:match.start()], None
            return text[:match.start()], born
    return text, None


def parse(text: str) -> FindKey | str:
    """The key typed, or the message saying what to type instead."""
    text = " ".join(text.split())
    if len(text) < 3:
        return TOO_SHORT
    if NHS_NUMBER.fullmatch(text):
        digits = normalise_nhs_number(text)
        return FindKey(nhs_number=digits) if len(digits) == 10 else (
            "Enter an NHS number with 10 digits, like 943 476 5919")
    if match := REFERENCE.fullmatch(text):
        return FindKey(reference=f"REF-{int(match.group(1)):07d}")
    name, born = _date_at_end(text)
    name = name.strip(" ,")
    if born is None:
        if name != text.strip(" ,"):
            return "Enter a real date of birth, like 12/03/1990"
        return f"{HOW}: a name alone finds too many people"
    if not name or not NAME.fullmatch(name.replace(",", " ")):
        return HOW
    if "," in name:  # "Patel, Asha"
        family, _, given = name.partition(",")
    else:  # "Asha Patel": the last word is the family name
        given, _, family = name.rpartition(" ")
    first_given = given.split()[0] if given.split() else ""
    return FindKey(family_name=family.strip(), given_name=first_given, date_of_birth=born)


class FindForm(NHSFormMixin, forms.Form):
    key: FindKey

    q = forms.CharField(label="Find a person or a referral", required=False, max_length=MAX_LENGTH,
                        error_messages={"max_length": f"Enter {MAX_LENGTH} characters or fewer"})

    def clean_q(self) -> str:
        key = parse(self.cleaned_data["q"])
        if isinstance(key, str):
            raise forms.ValidationError(key)
        self.key = key
        return self.cleaned_data["q"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["key"] = self.key
        return data
