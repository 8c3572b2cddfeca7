"""Where a postcode is, without asking anyone: the centre of its postcode district.

directory/data/postcode_districts.csv holds an approximate centre (to about a
kilometre) of each district of Leicester, Leicestershire and Rutland and of the
districts just over the border. A district is a few kilometres across, which is
enough to put the nearest services first; a full postcode file (the ONS Postcode
Directory) could replace it without changing anything else. Nothing here calls a
network service, at runtime or in tests."""

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "postcode_districts.csv"
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_INWARD = re.compile(r"^[0-9][A-Z]{2}$")
EARTH_RADIUS_KM = 6371.0
# The flat map search measures distance on (migration 0007): kilometres per degree
# about 52.65°N. Change both together.
KM_PER_DEGREE_LONGITUDE, KM_PER_DEGREE_LATITUDE = 67.55, 110.574


@dataclass(frozen=True)
class District:
    code: str
    place: str
    latitude: float
    longitude: float

    def __str__(self):
        return f"{self.code} ({self.place})"


@cache
def districts() -> dict[str, District]:
    with DATA.open(newline="", encoding="utf-8") as f:
        return {row["district"]: District(row["district"], row["place"], float(row["latitude"]),
                                          float(row["longitude"]))
                for row in csv.DictReader(f)}


def district_code(value: str) -> str:
    """The district of a full postcode ("LE11 3TU" is LE11) or of a district typed
    alone; empty when it is neither."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    # A full postcode's inward part is always three characters; a district alone is 2 to 4.
    outward = compact if len(compact) <= 4 else compact[:-3]
    if len(compact) > 4 and not _INWARD.match(compact[-3:]):
        return ""
    return outward if _DISTRICT.match(outward) else ""


def locate(value: str) -> District | None:
    return districts().get(district_code(value))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine); the database computes the same in search."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def map_position(latitude: float, longitude: float) -> tuple[float, float]:
    return longitude * KM_PER_DEGREE_LONGITUDE, latitude * KM_PER_DEGREE_LATITUDE


def district_choices() -> list[tuple[str, str]]:
    return [(d.code, str(d)) for d in sorted(districts().values(), key=_natural)]


def _natural(district: District):
    letters, number = re.match(r"([A-Z]+)(\d+)", district.code).groups()
    return letters, int(number)
