"""The API's text follows Accept-Language (the pages do not); dates and
times are ISO 8601."""

import datetime

import pytest

from .conftest import API, token_client

pytestmark = pytest.mark.django_db


def test_danish_by_default(api_data, viewer):
    response = token_client(viewer).get(f"{API}/readiness/461/")
    assert response["Content-Language"] == "da"
    assert response.json()["status_label"] == "Indsendt"


def test_english_with_accept_language(api_data, viewer):
    response = token_client(viewer).get(f"{API}/readiness/461/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert response["Content-Language"] == "en"
    assert response.json()["status_label"] == "Submitted"
    assert "Accept-Language" in response["Vary"]


def test_an_unknown_language_gets_danish(api_data, viewer):
    response = token_client(viewer).get(f"{API}/waves/1/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "da"


def test_pages_still_ignore_accept_language(client, db):
    response = client.get("/konto/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "da"


def test_dates_and_times_are_iso_8601(api_data, viewer):
    client = token_client(viewer)
    wave = client.get(f"{API}/waves/1/").json()
    assert datetime.date.fromisoformat(wave["starts_on"])
    readiness = client.get(f"{API}/readiness/461/").json()
    assert datetime.datetime.fromisoformat(readiness["submitted_at"]).tzinfo is not None
