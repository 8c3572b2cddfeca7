"""Lockout and rate limits count the client's own address, and cannot be dodged."""

import pytest
from django.test import RequestFactory

from core.proxy import client_ip

FORGED_AND_REAL = "6.6.6.6, 81.2.69.160"


def request_via(remote_addr, forwarded_for):
    return RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR=remote_addr)


def test_without_a_proxy_a_forwarded_for_header_is_ignored():
    assert client_ip(request_via("81.2.69.142", "1.2.3.4")) == "81.2.69.142"


@pytest.fixture
def behind_one_proxy(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


def test_behind_the_proxy_the_address_it_added_is_the_client(behind_one_proxy):
    assert client_ip(request_via("10.0.0.2", FORGED_AND_REAL)) == "81.2.69.160"
