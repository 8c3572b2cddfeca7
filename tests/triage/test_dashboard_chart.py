"""The wait dashboard's waiting list by time left: the chart's figures, the table beside
it and the CSV behind it are the same counts, and those are the hand count."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from .test_wait_dashboard import dashboard, waits  # noqa: F401 (fixtures)

# waits: B breached, C under an hour, A and D 1 to 4 hours, E 4 to 24 hours.
HAND_COUNT = {"breached": 1, "lt_1h": 1, "lt_4h": 2, "lt_24h": 1, "lt_7d": 0, "later": 0, "none": 0}
LABELS = ["Breached", "Under 1 hour", "1 to 4 hours", "4 to 24 hours", "1 to 7 days", "7 days or more",
          "No target running"]


def chart_data(page: str) -> dict:
    return json.loads(re.search(r'<script id="time-left-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))


def table_counts(page: str) -> dict[str, int]:
    table = re.search(r'<table[^>]*id="time-left-table">(.*?)</table>', page, re.S).group(1)
    return {key: int(n) for key, n in re.findall(r'data-band="(\w+)">.*?data-count="(\d+)"', table, re.S)}


@pytest.mark.django_db
def test_the_chart_draws_the_tables_counts_which_are_the_hand_count(dashboard):  # noqa: F811
    page = dashboard.get(reverse("triage:dashboard")).content.decode()
    data = chart_data(page)
    assert table_counts(page) == HAND_COUNT
    assert dict(zip(data["keys"], data["counts"], strict=True)) == HAND_COUNT
    assert data["labels"] == LABELS


@pytest.mark.django_db
def test_the_csv_has_the_same_counts_by_queue_with_the_whole_list_last(dashboard):  # noqa: F811
    page = dashboard.get(reverse("triage:dashboard")).content.decode()
    assert 'href="?csv=time-left"' in page
    response = dashboard.get(reverse("triage:dashboard"), {"csv": "time-left"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Queue", *LABELS, "All"]
    assert rows[-1] == ["All queues", *(str(n) for n in HAND_COUNT.values()), "5"]
    by_queue = {row[0]: row[1:] for row in rows[1:-1]}
    assert by_queue["Non-urgent triage"][:3] == ["1", "0", "1"]
    for column in range(len(LABELS) + 1):  # each band's queues add up to the whole list's figure
        assert sum(int(r[column]) for r in by_queue.values()) == int(rows[-1][column + 1])


@pytest.mark.django_db
def test_the_chart_is_drawn_by_a_static_script_and_hidden_from_assistive_technology(dashboard):  # noqa: F811
    page = dashboard.get(reverse("triage:dashboard")).content.decode()
    assert '<figure class="cap-chart" aria-hidden="true"><canvas data-time-left-chart>' in page
    assert re.search(r'<script type="module" src="[^"]*js/dashboard-chart\.[^"]*mjs"></script>', page)
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", page)  # no inline script

