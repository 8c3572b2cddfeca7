"""The API fuzzed against its own OpenAPI schema with schemathesis: property-based inputs
of every shape the schema allows and some it does not, a bounded number per operation,
each answered without a server error and as the schema documents (status codes, content
types, bodies).

The app is called in this thread, inside the test's transaction, through schemathesis's
WSGI transport; each operation runs as a Hypothesis test of its own and every failing
operation is reported, not only the first."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi import checks as openapi_checks

from config.wsgi import application
from tests.factories import UserFactory
from tests.factories import api_token as new_api_token

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def in_process_requests():
    """As Django's test client does, keep the start and end of each request from closing
    the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(reference_data) -> str:
    """A user who may do everything the API offers, so every operation's own code runs."""
    user = UserFactory(username="api.fuzz", is_superuser=True, is_staff=True)
    return new_api_token(user)


def operation_failures(operation, headers: dict) -> list[str]:
    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                         database=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        answers_as_documented()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as failure:  # noqa: BLE001 (each operation's failures are collected)
        return [f"{operation.label}: {failure}"]
    return []


@pytest.mark.django_db
def test_every_api_operation_answers_any_input_as_its_schema_documents(in_process_requests, api_token):
    headers = {"Authorization": f"Token {api_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = [failure for operation in operations for failure in operation_failures(operation, headers)]
    assert not failures, "\n\n".join(failures)
