"""When the planning inputs may have changed, so that today's fingerprints
can be kept between requests.

Every plan page tells whether its plan is current by fingerprinting
today's inputs (`gather_problem`: eleven queries, 10 ms at 98
municipalities and 90 ms at 5,000, more than the rest of the home page).
The inputs change a few times a day; the pages are read all day. So the
fingerprints are kept in the process (`CurrentInputs`) under the inputs'
*generation*, and gathered again only when the generation has moved.

The generation moves at the database connection, not in the code that
writes: every statement that writes one of the input tables (an INSERT,
UPDATE or DELETE, whether a model's save, a queryset's update or a bulk
operation sent it) gives the inputs a new generation when it runs, and
again when its transaction commits (a page that gathered in between read
the state before the commit). Hooks on save and delete would miss the bulk
operations the services use, and a statement-level hook cannot.

The generation lives in Django's cache: shared by every process when the
cache is (`CACHE_URL=redis://…` in production), per process otherwise, in
which case a process sees its own writes at once and the others' within
`KEEP_SECONDS`. That also bounds a change written outside the portal.
"""

import logging
import re
import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "waves:planning-inputs-generation"
# Kept fingerprints are gathered again after this long whatever happens.
KEEP_SECONDS = 30

# The apps whose tables hold the solver's inputs (readiness answers and
# weights, municipalities and their figures and vendors, waves, pins,
# weights, the published plan), and their tables that do not. A table too
# many only costs a gathering after its writes.
INPUT_APPS = ("municipalities", "readiness", "waves")
NOT_INPUTS = {
    "waves.PlanRun",
    "waves.PlanningLock",
    "waves.FrontierSweep",
    "waves.FrontierPoint",
}

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)
_input_tables = None


def input_tables():
    global _input_tables
    if _input_tables is None:
        _input_tables = frozenset(
            model._meta.db_table
            for app in INPUT_APPS
            for model in apps.get_app_config(app).get_models()
            if model._meta.label not in NOT_INPUTS
            # django-simple-history's copies are written beside their models.
            and not model.__name__.startswith("Historical")
        )
    return _input_tables


def generation():
    """The inputs' current generation (a new one if the cache lost it), or
    a generation of its own if the cache cannot be reached: nothing is
    then taken from what was kept."""
    try:
        current = cache.get(GENERATION_KEY)
        if current is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            current = cache.get(GENERATION_KEY)
    except Exception:  # the shared cache is down: the page still works
        logger.warning("The cache cannot be reached; gathering the planning inputs afresh.")
        current = None
    return current or uuid.uuid4().hex


def inputs_changed():
    """A new generation: whatever was kept is gathered again."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Nothing is kept while the cache is down (generation() above), so
        # nothing can go stale; the write that called this must not fail.
        logger.warning("The cache cannot be reached to note changed planning inputs.")


def writes_inputs(sql):
    match = _WRITE.match(sql)
    return bool(match) and match.group(1) in input_tables()


def watch_writes(execute, sql, params, many, context):
    """A database execute wrapper (installed on every connection by
    `WavesConfig.ready`)."""
    result = execute(sql, params, many, context)
    if writes_inputs(sql):
        inputs_changed()
        connection = context["connection"]
        if connection.in_atomic_block:
            transaction.on_commit(inputs_changed, using=connection.alias)
    return result


def install(sender, connection, **kwargs):
    """`connection_created` receiver: watch this connection's writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)
