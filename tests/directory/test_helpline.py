"""The staff helpline: queries with the answer and the entries suggested, unmet needs,
and the commissioners' report by category, area and month (counted by hand below)."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.errors import Invalid
from directory import services
from directory.models import HelplineQuery, UnmetNeed
from directory.selectors import unmet_needs_report
from directory.services import HelplineDetails

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*args):
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def unmet(officer):
    def log(need, area, when):
        return services.unmet_need_log(actor=officer, need=need, area=area, description="Nothing nearby.",
                                       logged_at=when)
    return log


@pytest.fixture
def hand_counted(unmet):
    """Eight unmet needs. By hand: May 2026 has housing in LE11 twice (one logged at
    00:30 on 1 May UK time, which is still 30 April in UTC), housing in LE1 once and
    addiction in LE11 once; April 2026 has housing in LE11 once and benefits in LE13
    twice; March 2026 has loneliness in LE15 once."""
    unmet("housing", "LE11 3TU", at(2026, 5, 1, 0, 30))
    unmet("housing", "LE11", at(2026, 5, 20, 14, 0))
    unmet("housing", "LE1 6TP", at(2026, 5, 31, 23, 30))
    unmet("addiction", "LE11", at(2026, 5, 3, 9, 0))
    unmet("housing", "LE11", at(2026, 4, 30, 23, 59))
    unmet("benefits", "LE13", at(2026, 4, 2, 10, 0))
    unmet("benefits", "le13 0ab", at(2026, 4, 28, 10, 0))
    unmet("loneliness", "LE15", at(2026, 3, 31, 12, 0))


def test_report_counts_unmet_needs_by_month_category_and_area(hand_counted):
    rows = [(r.month.strftime("%Y-%m"), r.need, r.postcode_district, r.count) for r in unmet_needs_report()]

    assert rows == [
        ("2026-05", "housing", "LE11", 2),
        ("2026-05", "addiction", "LE11", 1),
        ("2026-05", "housing", "LE1", 1),
        ("2026-04", "benefits", "LE13", 2),
        ("2026-04", "housing", "LE11", 1),
        ("2026-03", "loneliness", "LE15", 1),
    ]


def test_report_downloads_as_csv(client_for, manager, hand_counted):
    response = client_for(manager).get(reverse("directory:unmet_needs"), {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "Category of need", "Postcode district", "Area", "Unmet needs"]
    assert rows[1] == ["2026-05", "Housing and homelessness", "LE11", "Loughborough", "2"]
    assert len(rows) == 7
    assert sum(int(r[4]) for r in rows[1:]) == 8


def test_report_page_shows_the_total(client_for, knowledge_officer, hand_counted):
    response = client_for(knowledge_officer).get(reverse("directory:unmet_needs"))

    assert response.status_code == 200
    assert b"8 in all" in response.content


def test_a_query_is_logged_with_the_answer_and_suggestions(officer, make_service):
    cafe = make_service("Crisis cafe", category="crisis")

    query = services.helpline_query_log(actor=officer, details=HelplineDetails(
        asked_by="Sam Green", asked_by_team="City East CTR Team", need="crisis", area="LE2 7LX",
        question="Somewhere to go on a Friday night?", answer="The crisis cafe.", suggested=(cafe,)))

    assert query.postcode_district == "LE2"
    assert list(query.suggested.all()) == [cafe]
    assert query.history.first().history_user == officer
    assert not UnmetNeed.objects.exists()


def test_a_query_with_nothing_suitable_logs_an_unmet_need(officer):
    query = services.helpline_query_log(actor=officer, details=HelplineDetails(
        asked_by="Sam Green", need="addiction", area="LE15", question="Gambling group in Rutland?",
        unmet=True))

    need = UnmetNeed.objects.get()
    assert (need.query, need.need, need.postcode_district, need.description) == (
        query, "addiction", "LE15", "Gambling group in Rutland?")


def test_an_unmet_need_with_suggestions_is_refused(officer, make_service):
    cafe = make_service("Crisis cafe")
    with pytest.raises(Invalid):
        services.helpline_query_log(actor=officer, details=HelplineDetails(
            asked_by="Sam", need="crisis", area="LE1", question="?", suggested=(cafe,), unmet=True))


def test_the_helpline_page_logs_a_query_and_lists_the_newest_first(client_for, officer, make_service):
    cafe = make_service("Crisis cafe", category="crisis")
    client = client_for(officer)

    response = client.post(reverse("directory:helpline"), {
        "asked_by": "Sam Green", "need": "crisis", "area": "LE11", "question": "Friday night?",
        "answer": "Try the cafe", "suggested": [cafe.pk]}, follow=True)

    assert response.status_code == 200
    assert HelplineQuery.objects.get().asked_by == "Sam Green"
    assert b"Try the cafe" in response.content


def test_the_helpline_form_refuses_an_area_that_is_not_a_postcode(client_for, officer):
    response = client_for(officer).post(reverse("directory:helpline"), {
        "asked_by": "Sam", "need": "crisis", "area": "Narnia", "question": "?"})

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not HelplineQuery.objects.exists()
