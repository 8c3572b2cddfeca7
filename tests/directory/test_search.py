"""Search for staff and the public: by need, place (nearest first), words (ranked,
typos forgiven) and opening now; odd input answers sensibly."""

from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from directory import services
from directory.selectors import Search, query_words, services_search
from directory.services import LocationDetails, ServiceDetails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def names(results):
    return [s.name for s in results.services]


def test_need_finds_only_services_meeting_it_main_category_first(make_service):
    make_service("Tenancy help", category="housing", needs=("benefits",))
    make_service("Debt advice", category="benefits")
    make_service("Walking group", category="healthy_lifestyles")

    assert names(services_search(Search(need="benefits"))) == ["Debt advice", "Tenancy help"]


def test_place_puts_the_nearest_first_and_phone_services_last(make_service):
    make_service("Hinckley group", postcode="LE10 1DS")
    make_service("Phone line")
    make_service("Loughborough group", postcode="LE11 3TU")
    make_service("Shepshed group", postcode="LE12 9BG")

    results = services_search(Search(postcode="LE11 1AA"))

    assert names(results) == ["Loughborough group", "Shepshed group", "Hinckley group", "Phone line"]
    assert results.origin.code == "LE11"
    distances = [s.distance_km for s in results.services]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert 2 < distances[1] < 6 and 20 < distances[2] < 30 and distances[3] is None


def test_a_district_alone_is_a_place(make_service):
    make_service("Oakham group", postcode="LE15 6AB")
    make_service("Melton group", postcode="LE13 0AB")

    assert names(services_search(Search(postcode="le13"))) == ["Melton group", "Oakham group"]


def test_words_rank_a_match_in_the_name_above_one_in_the_description(make_service):
    make_service("Allotment club", description="Growing vegetables; a gardening group for all.")
    make_service("Gardening group", description="Meet on Tuesdays.")
    make_service("Book club", description="Reading together.")

    assert names(services_search(Search(words="gardening"))) == ["Gardening group", "Allotment club"]


def test_words_are_stemmed_and_every_word_must_match(make_service):
    make_service("Counselling for carers", description="Six free sessions.")
    make_service("Counselling for students", description="At college.")

    assert names(services_search(Search(words="carer counselled"))) == ["Counselling for carers"]


def test_a_misspelt_word_is_corrected_to_the_nearest_word_in_the_directory(make_service):
    make_service("Bereavement counselling", description="After the death of someone close.")
    make_service("Housing advice", description="Homelessness and eviction.")

    results = services_search(Search(words="councelling"))

    assert names(results) == ["Bereavement counselling"]
    assert results.corrections == {"councelling": "counselling"}


def test_another_typo_in_a_name(make_service):
    make_service("Loughborough crisis cafe", category="crisis")

    assert names(services_search(Search(words="crisiss cafe"))) == ["Loughborough crisis cafe"]


def test_when_nothing_has_every_word_entries_with_some_are_shown(make_service):
    make_service("Food bank", description="Emergency food parcels.")

    results = services_search(Search(words="food parcels yoga"))

    assert names(results) == ["Food bank"]
    assert results.matched_any_word


@pytest.mark.parametrize("typed", ["", "   ", "!!!", "'); DROP TABLE directory_communityservice; --",
                                   "<script>alert(1)</script>", "the and of", "a & | ! :* (", "%_\\"])
def test_odd_characters_and_empty_queries_answer_sensibly(make_service, typed):
    make_service("Gardening group")

    results = services_search(Search(words=typed))

    assert isinstance(results.services, list)


def test_an_empty_query_lists_every_active_entry_by_name(make_service):
    make_service("Zumba for wellbeing")
    make_service("Art group")
    retired = make_service("Old group")
    services.service_retire(actor=retired.last_checked_by, service=retired)

    assert names(services_search(Search())) == ["Art group", "Zumba for wellbeing"]


def test_query_words_keep_letters_of_any_script_and_drop_operators():
    assert query_words("Café & crisis-line | 'help'!") == ["café", "crisis-line", "help"]
    assert query_words("x" * 100) == ["x" * 40]


def test_need_place_and_words_together(make_service):
    make_service("Debt advice Hinckley", category="benefits", postcode="LE10 1DS")
    make_service("Debt advice Loughborough", category="benefits", postcode="LE11 3TU")
    make_service("Debt counselling", category="emotional_support", postcode="LE11 3TU")

    results = services_search(Search(need="benefits", postcode="LE11 2AB", words="debt"))

    assert names(results) == ["Debt advice Loughborough", "Debt advice Hinckley"]


@pytest.mark.parametrize("moment, expected", [
    (datetime(2026, 6, 5, 19, 0, tzinfo=LONDON), ["Crisis cafe", "Helpline"]),  # Friday evening
    (datetime(2026, 6, 6, 1, 30, tzinfo=LONDON), ["Crisis cafe", "Helpline"]),  # after midnight
    (datetime(2026, 6, 6, 3, 0, tzinfo=LONDON), ["Helpline"]),
    (datetime(2026, 6, 8, 10, 0, tzinfo=LONDON), ["Advice centre", "Helpline"]),  # Monday morning
    (datetime(2026, 6, 8, 17, 0, tzinfo=LONDON), ["Helpline"]),  # closes at five
])
def test_open_now_includes_overnight_and_all_day_openings(make_service, moment, expected):
    make_service("Crisis cafe", openings=[(4, time(18), time(2))])
    make_service("Advice centre", openings=[(d, time(9), time(17)) for d in range(5)])
    make_service("Helpline", openings=[(d, time(0), time(0)) for d in range(7)])
    make_service("Never open")

    with time_machine.travel(moment, tick=False):
        assert names(services_search(Search(open_now=True))) == expected


def test_free_only(make_service):
    make_service("Free group")
    make_service("Paid group", free=False, cost="£5")

    assert names(services_search(Search(free_only=True))) == ["Free group"]


def test_the_nearest_are_found_through_the_index_ties_and_all(make_service):
    for n in range(4):
        make_service(f"Loughborough group {n}", postcode="LE11 3TU", category="housing")
    make_service("Loughborough main", postcode="LE11 3TU", category="housing", needs=("benefits",))
    make_service("Hinckley group", postcode="LE10 1DS", category="benefits")
    make_service("Melton group", postcode="LE13 0AB", category="benefits")

    # Five tie at 0 km; with room for two, the tie is broken by name, as on a full page.
    assert names(services_search(Search(postcode="LE11"), limit=2)) == [
        "Loughborough group 0", "Loughborough group 1"]
    # Melton (21 km) is nearer Loughborough than Hinckley (28 km).
    assert names(services_search(Search(postcode="LE11", need="benefits"), limit=2)) == [
        "Loughborough main", "Melton group"]
    # Entries tied in distance and in main category go by name.
    assert names(services_search(Search(postcode="LE11", need="housing"), limit=1)) == [
        "Loughborough group 0"]
    results = services_search(Search(postcode="LE10", need="benefits"), limit=1)
    assert names(results) == ["Hinckley group"] and results.more



def test_an_entry_is_as_near_as_its_nearest_venue_as_its_venues_change(make_service):
    officer = UserFactory()
    make_service("Melton group", postcode="LE13 0AB", description="A peer support group.")
    details = ServiceDetails(name="Two venues group", organisation="Voluntary Action",
                             description="A peer support group.", category="community_activity",
                             locations=(LocationDetails(postcode="LE10 1DS", town="Hinckley"),
                                        LocationDetails(postcode="LE11 3TU", town="Loughborough")))
    entry = services.service_create(actor=officer, details=details)
    search = Search(postcode="LE11", words="peer group")

    results = services_search(search)
    assert names(results) == ["Two venues group", "Melton group"]
    assert results.services[0].distance_km == pytest.approx(0, abs=0.01)

    # The Loughborough venue closes: Melton (21 km) is now nearer than Hinckley (28 km).
    services.service_update(actor=officer, service=entry,
                            details=replace(details, locations=details.locations[:1]))
    assert names(services_search(search)) == ["Melton group", "Two venues group"]

    # No venue left: it is listed with the phone and online services, after those with one.
    services.service_update(actor=officer, service=entry, details=replace(details, locations=()))
    results = services_search(search)
    assert names(results) == ["Melton group", "Two venues group"]
    assert results.services[1].distance_km is None


def test_with_words_the_nearest_are_found_near_the_place_first_ties_and_all(make_service):
    for n in range(3):
        make_service(f"Loughborough peer group {n}", postcode="LE11 3TU", description="Peer support.")
    make_service("Shepshed peer group", postcode="LE12 9BG", description="Peer support.")
    make_service("Melton peer group", postcode="LE13 0AB", description="Peer support.")
    make_service("Hinckley peer group", postcode="LE10 1DS", description="Peer support.")
    make_service("Peer support line", description="Peer support by phone.")

    # Three tie at 0 km; with room for two, the tie is broken by name, as on a full page.
    results = services_search(Search(postcode="LE11", words="peer"), limit=2)
    assert names(results) == ["Loughborough peer group 0", "Loughborough peer group 1"] and results.more
    # Shepshed (a few km) within the first square; Melton (21 km) and Hinckley (28 km) beyond it.
    assert names(services_search(Search(postcode="LE11", words="peer"), limit=4))[3] == "Shepshed peer group"
    assert names(services_search(Search(postcode="LE11", words="peer"), limit=6)) == [
        "Loughborough peer group 0", "Loughborough peer group 1", "Loughborough peer group 2",
        "Shepshed peer group", "Melton peer group", "Hinckley peer group"]
    assert names(services_search(Search(postcode="LE11", words="peer")))[-1] == "Peer support line"
