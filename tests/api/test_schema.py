"""Schemathesis against the generated OpenAPI schema, through the WSGI app.

Every operation, signed in as a coordinator and as a project manager, with
a few generated requests each: no answer of 500 or more, and every answer
conforms to the schema (content type and body). Bounded by `max_examples`
so that it stays within a minute.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts import services as token_services
from fmkrollout.wsgi import application


def served_schema():
    """The schema /api/v1/schema/ serves, made without a request (no
    database needed at collection time)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = application

bounded = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def wsgi_in_test_transaction(api_data, settings):
    """The app runs in the test's thread and transaction, as the test client
    does; like the test client, it must not close the connection at the end
    of each request (Django's close_old_connections)."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def headers_for(user):
    _token, raw = token_services.create_token(user=user, name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


def call_and_check(case, headers):
    response = case.call(headers=headers)
    case.validate_response(
        response,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )


@pytest.mark.django_db
@schema.parametrize()
@bounded
def test_api_answers_a_coordinator_as_its_schema_says(case, wsgi_in_test_transaction, coordinator):
    call_and_check(case, headers_for(coordinator))


@pytest.mark.django_db
@schema.parametrize()
@bounded
def test_api_answers_a_project_manager_as_its_schema_says(
    case, wsgi_in_test_transaction, pm_odense
):
    call_and_check(case, headers_for(pm_odense))
