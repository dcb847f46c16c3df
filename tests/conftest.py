"""Shared fixtures: the real 98 municipalities once per session, personas.

The personas follow the roles: a coordinator, a viewer, the project managers
of Odense and Aarhus, and anonymous (the plain `client`).
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation

from municipalities.models import Membership
from municipalities.roles import GROUP_NAMES, Role


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once, with the idempotent loader."""
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _planning_inputs_gathered_afresh():
    """Each test starts from a new generation of the planning inputs: the
    rollback after the last test wrote no statement that would say so."""
    from waves.planning import watch

    watch.inputs_changed()


@pytest.fixture(autouse=True)
def _fast_hasher_and_danish(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "da"
    with translation.override("da"):
        yield


@pytest.fixture(autouse=True)
def _solver_in_process(request, settings):
    """Solve in the test process: the watchdog's child process costs about a
    second of start-up per solve. tests/waves/test_watchdog.py and the
    worker tests (the worker's own settings) run the child process.

    The tests assert proven optima, so a busy machine must not make the
    production default of a few seconds run out: give the solver a minute.
    """
    settings.WAVES_SOLVER_TIME_LIMIT = 60.0
    if not request.node.get_closest_marker("watchdog"):
        settings.WAVES_SOLVER_WATCHDOG = False


@pytest.fixture(autouse=True)
def _eager_celery_unless_broker_test(request, settings):
    """Run tasks in-process, except in tests marked `broker`.

    With CELERY_BROKER_URL set (CI's second run) the `broker` tests go
    through Redis to a real worker; every other test stays eager so that it
    asserts what the task did, not merely that it was queued.
    """
    from fmkrollout.celery import app

    if request.node.get_closest_marker("broker"):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            pytest.skip("needs CELERY_BROKER_URL (a real broker and worker)")
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def make_user(username, role, municipality_codes=(), **extra):
    user = get_user_model().objects.create_user(
        username=username,
        password="demo",
        email=f"{username}@example.invalid",
        is_staff=role == Role.COORDINATOR,
        **extra,
    )
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    for code in municipality_codes:
        Membership.objects.create(user=user, municipality_id=code)
    return user


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests (browser tests, threads, other processes) empty
    the database after each, down to what the migrations made: load the
    shipped data again."""
    call_command("load_reference", verbosity=0)


@pytest.fixture
def coordinator(db):
    return make_user("koordinator", Role.COORDINATOR)


@pytest.fixture
def viewer(db):
    return make_user("laeser", Role.VIEWER)


@pytest.fixture
def pm_odense(db):
    return make_user("pl-461", Role.PROJECT_MANAGER, [461])


@pytest.fixture
def pm_aarhus(db):
    return make_user("pl-751", Role.PROJECT_MANAGER, [751])


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def odense_client(client, pm_odense):
    client.force_login(pm_odense)
    return client


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Transactional tests (browser journeys, worker tests) empty the
    database when they end, the reference data loaded once per session
    included: run every one of them after all the other tests."""
    items.sort(key=_is_transactional)
