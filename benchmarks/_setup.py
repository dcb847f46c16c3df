"""Shared start for the benchmarks: a Django on its own database.

Each benchmark script calls `setup_django()` first. It uses DATABASE_URL if
set (so a benchmark can run on PostgreSQL), otherwise a fresh SQLite file
var/bench.sqlite3, migrated and loaded with the reference data.
"""

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    if "DATABASE_URL" not in os.environ:
        database = BASE_DIR / "var" / "bench.sqlite3"
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fmkrollout.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)


def timed(function, repeat=5):
    """Run `function` `repeat` times; return (median seconds, result of last run)."""
    durations = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations), result
