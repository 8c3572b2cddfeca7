"""Who letters come from: the trust and the Central Access Point's address and phone
number, printed at the top of every letter and quoted in its text. One constant, not
a setting: it changes only with a new service, and a letter that read it from the
environment would print whatever a mis-set variable said."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Letterhead:
    trust: str
    service: str
    address: tuple[str, ...]
    phone: str
    email: str


LETTERHEAD = Letterhead(
    trust="Leicestershire Partnership NHS Trust",
    service="Mental Health Central Access Point",
    address=("Bradgate Mental Health Unit", "Groby Road", "Leicester", "LE3 9EJ"),
    # Ofcom's drama range, as the demo's other numbers: a real deployment sets its own.
    phone="0116 496 0000",
    email="cap.referrals@example.nhs.uk",
)
