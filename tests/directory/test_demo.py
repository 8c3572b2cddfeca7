"""The demo directory: a few hundred LLR entries, the same every time, loaded once."""

import pytest

from directory import demo
from directory.models import CommunityService, Need

pytestmark = pytest.mark.django_db


def test_the_demo_directory_is_deterministic_and_loaded_once(reference_data):
    demo.load_directory()
    first = list(CommunityService.objects.order_by("identifier").values_list("identifier", "name", "needs"))

    demo.load_directory()

    assert list(CommunityService.objects.order_by("identifier")
                .values_list("identifier", "name", "needs")) == first
    assert 250 <= len(first) <= 500
    categories = set(CommunityService.objects.values_list("category", flat=True))
    assert {Need.CRISIS, Need.EMOTIONAL_SUPPORT, Need.HOUSING, Need.BENEFITS, Need.PEER_SUPPORT} <= categories


def test_the_generated_entries_do_not_depend_on_the_run():
    from django.utils import timezone

    now = timezone.now()
    assert demo.generated_entries(now) == demo.generated_entries(now)
