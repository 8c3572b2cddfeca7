"""One person, one record: match on NHS number, offer likely matches, never merge silently."""

from datetime import date

import pytest

from cap import services
from cap.models import Channel, MatchResult, ServiceUser
from core.errors import Invalid
from tests.factories import ServiceUserFactory


def receive(actor, person, **kwargs):
    return services.referral_receive(actor=actor, channel=Channel.WRITTEN, person=person,
                                     reason="Low mood", **kwargs)


@pytest.mark.django_db
def test_referral_with_a_known_nhs_number_joins_that_persons_record(admin_team, person):
    known = ServiceUserFactory()
    receipt = receive(admin_team, person(nhs_number=known.nhs_number, given_name="Someone",
                                         family_name="Else"))
    assert receipt.match.result == MatchResult.MATCHED_NHS_NUMBER
    assert receipt.referral.service_user == known
    assert ServiceUser.objects.count() == 1
    known.refresh_from_db()
    assert known.given_name != "Someone"  # the record is never overwritten silently


@pytest.mark.django_db
def test_same_name_and_date_of_birth_without_nhs_number_is_flagged_as_possible_match(admin_team, person):
    known = ServiceUserFactory(family_name="Patel", date_of_birth=date(1984, 3, 15), nhs_number=None)
    receipt = receive(admin_team, person(nhs_number="", family_name="PATEL"))
    assert receipt.match.result == MatchResult.POSSIBLE_MATCH
    assert receipt.match.candidates == [known]
    assert receipt.referral.service_user != known  # a provisional record until a person decides


@pytest.mark.django_db
def test_same_date_of_birth_and_postcode_is_a_possible_match(admin_team, person):
    ServiceUserFactory(family_name="Okafor", date_of_birth=date(1984, 3, 15), postcode="LE2 7LX",
                       nhs_number=None)
    receipt = receive(admin_team, person(nhs_number="", family_name="Married-Name"))
    assert receipt.match.result == MatchResult.POSSIBLE_MATCH


@pytest.mark.django_db
def test_someone_with_a_different_nhs_number_is_not_offered_as_a_match(admin_team, person):
    ServiceUserFactory(family_name="Patel", date_of_birth=date(1984, 3, 15))
    receipt = receive(admin_team, person(family_name="Patel"))
    assert receipt.match.result == MatchResult.NEW_PERSON


@pytest.mark.django_db
def test_new_person_with_no_likely_match_is_created(admin_team, person):
    receipt = receive(admin_team, person())
    assert receipt.match.result == MatchResult.NEW_PERSON
    assert ServiceUser.objects.count() == 1


@pytest.mark.django_db
def test_an_open_referral_is_warned_about(admin_team, person):
    details = person()
    first = receive(admin_team, details)
    second = receive(admin_team, details)
    assert second.referral.service_user == first.referral.service_user
    assert any(first.referral.reference in warning for warning in second.warnings)


@pytest.mark.django_db
def test_linking_moves_the_referral_and_supersedes_the_provisional_record(admin_team, person):
    known = ServiceUserFactory(family_name="Patel", date_of_birth=date(1984, 3, 15), nhs_number=None)
    referral = receive(admin_team, person(nhs_number="", family_name="Patel")).referral
    provisional = referral.service_user
    services.match_link_to_existing(actor=admin_team, referral=referral, person=known)
    referral.refresh_from_db()
    provisional.refresh_from_db()
    assert referral.service_user == known
    assert referral.match_reviewed_by == admin_team
    assert provisional.superseded_by == known


@pytest.mark.django_db
def test_records_with_different_nhs_numbers_cannot_be_linked(admin_team, person):
    known = ServiceUserFactory()
    referral = receive(admin_team, person()).referral
    with pytest.raises(Invalid, match="different NHS numbers"):
        services.match_link_to_existing(actor=admin_team, referral=referral, person=known)


@pytest.mark.django_db
def test_identity_check_page_links_a_possible_match(client_for, admin_team, person):
    known = ServiceUserFactory(family_name="Patel", date_of_birth=date(1984, 3, 15), nhs_number=None)
    referral = receive(admin_team, person(nhs_number="", family_name="Patel")).referral
    client = client_for(admin_team)
    page = client.get(f"/identity-checks/{referral.pk}/")
    assert str(known) in page.content.decode()
    # A possible match's record was read, to confirm the identity of this referral's person.
    assert list(known.accesses.values_list("user", "referral", "context")) == [
        (admin_team.pk, referral.pk, "possible match")]
    client.post(f"/identity-checks/{referral.pk}/", {"decision": "link", "person": known.pk})
    referral.refresh_from_db()
    assert referral.service_user == known
    assert referral not in client.get("/identity-checks/").context["referrals"]
