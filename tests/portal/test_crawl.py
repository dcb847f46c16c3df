"""Crawl the portal on the demo data as every demo role, in both languages.

What the unit tests cannot see, because they build only the rows they need:
a page that crashes on data the demo (or production) really has, and an
English page that still shows Danish. Each crawl signs in as one demo user,
starts at the start page (and at the admin, for the coordinator) and follows
every same-origin link, a few URLs per URL pattern, with GET only: no
logout, no deletes, no forms posted.

The Danish check looks at the text a reader sees (and the attributes a
screen reader reads). Two things may stay Danish on an English page: proper
names (`PROPER_NAMES`, kept by hand) and what users typed themselves
(`USER_TEXT_FIELDS`: the portal cannot translate a comment).
"""

import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import Resolver404, resolve

from imports.importers import GO_LIVE, NOT_APPLICABLE
from municipalities.models import Municipality, Region

pytestmark = pytest.mark.django_db

# URLs per URL pattern: enough to meet rows with and without the optional
# data. The admin's pages are alike for every row, so one each there, or
# the coordinator's crawl would take minutes.
PER_PATTERN = 3
PER_ADMIN_PATTERN = 1

# Never followed: they change state or leave the portal's pages.
SKIPPED_PATH_PARTS = ("/delete/", "/logout/", "/i18n/", "/static/", "/media/")

# Text users typed, shown as they typed it: (app label, model, fields).
USER_TEXT_FIELDS = [
    ("auth", "User", ["first_name", "last_name", "username"]),
    ("accounts", "APIToken", ["name"]),
    ("readiness", "Answer", ["comment"]),
    ("readiness", "Response", ["review_comment"]),
    ("governance", "Person", ["name", "title", "organisation"]),
    ("governance", "Meeting", ["place", "agenda", "minutes"]),
    ("governance", "MeetingAttachment", ["title", "original_name"]),
    ("governance", "Decision", ["subject", "text"]),
    ("governance", "Wish", ["title", "description"]),
    ("governance", "WishTransition", ["reason"]),
    ("readiness", "WeightSet", ["note"]),
    ("waves", "Assignment", ["pin_reason", "vendor_name"]),
    ("waves", "Pin", ["reason"]),
    ("waves", "Scenario", ["name", "description"]),
    ("waves", "Vendor", ["name", "note"]),
    ("waves", "VendorPlan", ["note"]),
    ("waves", "VendorAgreement", ["note"]),
    ("waves", "MunicipalityVendor", ["source", "override_reason"]),
    ("waves", "VendorPlan", ["source"]),
    # What an adoption figure measures, in the words of its source.
    ("waves", "GPAdoption", ["definition", "note"]),
    ("waves", "HospitalAdoption", ["definition", "note"]),
    ("waves", "WavePlan", ["reason"]),
    ("waves", "PlanRun", ["reason"]),
    # Written by waves.planning as a sentence in the language of the run;
    # the planning rewrite composes it at render time, then this goes.
    ("waves", "PlanRun", ["message"]),
    ("rollout", "Task", ["owner", "reason", "due_override_reason", "comment"]),
    ("rollout", "Precondition", ["owner", "note"]),
    ("rollout", "SparringRequest", ["message", "answer"]),
    ("rollout", "Escalation", ["deviation"]),
    # The reason simple-history records for a change the portal makes
    # itself (a re-published plan moving due dates), in the language of
    # the moment; to be composed at render time like PlanRun.message.
    ("rollout", "HistoricalTask", ["history_change_reason"]),
    ("rollout", "HistoricalImplementation", ["history_change_reason"]),
]

# In the admin, coordinators edit both halves of a bilingual row and the
# names the code looks rows up by: these may stay Danish there.
ADMIN_TEXT_FIELDS = [
    ("auth", "Group", ["name"]),
    ("django_celery_beat", "PeriodicTask", ["name"]),
    ("rollout", "TemplateVersion", ["title", "source"]),
    ("rollout", "Phase", ["name", "description"]),
    ("rollout", "TaskTemplate", ["title", "help_text"]),
    ("rollout", "ProgrammePeriod", ["name"]),
    ("rollout", "Precondition", ["title"]),
]

# Names that are Danish in every language: places, organisations, products.
PROPER_NAMES = [
    "Det Fælles Designsystem",
    "Fælles Medicinkort",
    "Danske Regioner",
    "Danske Kommuner",
    "Kommunernes Landsforening",
    "Praktiserende Lægers Organisation",
    "Apotekerforeningen",
    "Sundhed.dk",
    "Sundhedsdatastyrelsen",
    "Sundhedsministeriet",
    "Sundhedsdatanettet",
    "Geodatastyrelsen",
    "Digitaliseringsstyrelsen",
    "Datatilsynet",
    "Klimadatastyrelsen",
    "Dansk",
    "Signatur Central",
]

# Danish words that have no business in English text (besides the letters
# æ, ø and å, which are searched for anyway).
DANISH_WORDS = {
    "og", "ikke", "eller", "til", "af", "fra", "med", "ved", "som", "der",
    "den", "det", "skal", "kan", "har", "er", "ja", "nej", "kommune",
    "kommuner", "parathed", "kvartal", "bølge", "bølger", "kladde", "indsendt",
    "svar", "ønske", "ønsker", "forside", "gem", "indsend", "historik",
    "januar", "februar", "marts", "maj", "juni", "juli", "oktober",
    "projektleder", "projektledere", "koordinatorer", "læsere", "påmindelser",
    "genberegning", "udkast", "offentliggjort", "kilde", "sygehuse", "læger",
    "uge", "dag", "dage", "siden", "bruger", "slettet",
}  # fmt: skip
# Wish references ("Ø-0009") are identifiers, cited the same in every language.
IDENTIFIERS = re.compile(r"\bØ-\d+")
DANISH_LETTERS = re.compile(r"[æøåÆØÅ]")
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")

DEMO_ROLES = ["koordinator", "laeser", "pl-461", "pl-oerne"]


@pytest.fixture
def demo_data(settings):
    # seed_demo guards production databases by refusing to run without DEBUG.
    settings.DEBUG = True
    call_command("seed_demo", quiet_logins=True)
    settings.DEBUG = False


class _PageReader(HTMLParser):
    """The links of a page and the text a reader meets on it."""

    READ_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}
    # Not read: scripts, and the values of form fields, which hold what is
    # being edited (the Danish text of a bilingual row, say), not the page.
    SILENT = {"script", "style", "template", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.texts = []
        # Per open element: is it silent, or marked as Danish (lang="da")?
        self._stack = []

    def _hidden(self):
        return any(silent or danish for _tag, silent, danish in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        danish = (attrs.get("lang") or "").startswith("da")
        if not self._hidden() and not danish:
            self.texts.extend(v for k, v in attrs.items() if k in self.READ_ATTRIBUTES and v)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}:
            self._stack.append((tag, tag in self.SILENT, danish))

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.texts.append(data)


# Cell values a spreadsheet import reads, quoted in its help as written.
QUOTED_SPELLINGS = [f"“{spelling}”" for spelling in [*NOT_APPLICABLE, *GO_LIVE, "Kommune"]]


def _values(field_lists):
    for app_label, model_name, fields in field_lists:
        model = apps.get_model(app_label, model_name)
        for row in model.objects.values_list(*fields):
            yield from (value for value in row if value)


def _danish_halves():
    """The Danish text of every bilingual row (`x` or `x_da` beside `x_en`)."""
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        fields = [
            danish
            for name in names
            if name.endswith("_en")
            for danish in (name[:-3], f"{name[:-3]}_da")
            if danish in names
        ]
        if fields:
            yield from _values([(model._meta.app_label, model.__name__, fields)])


def _allowed_texts(admin=False):
    """What may stay Danish: proper names, places and what users typed."""
    allowed = list(PROPER_NAMES)
    for region in Region.objects.all():
        allowed += [region.name, region.name.removeprefix("Region ")]
    for municipality in Municipality.objects.all():
        allowed += [municipality.name, municipality.short_name]
    allowed += _values(USER_TEXT_FIELDS)
    if admin:
        allowed += QUOTED_SPELLINGS
        allowed += _values(ADMIN_TEXT_FIELDS)
        allowed += _danish_halves()
    # Longest first, so that "Ærø Kommune" goes before "Ærø".
    allowed = {" ".join(text.split()) for text in allowed}
    return sorted(allowed - {""}, key=len, reverse=True)


def _danish_left(texts, allowed):
    """The Danish words in `texts` once the allowed texts are taken out."""
    found = set()
    for text in texts:
        text = IDENTIFIERS.sub(" ", " ".join(text.split()))
        for phrase in allowed:
            if phrase in text:
                text = text.replace(phrase, " ")
        for word in WORD.findall(text):
            if DANISH_LETTERS.search(word) or word.lower() in DANISH_WORDS:
                found.add(word)
    return found


def _pattern_of(path):
    """Group URLs by what they show: the URL pattern, or the admin model."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return (match.route, match.view_name)


def _same_origin_path(base, href):
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in {"http", ""} or parts.netloc not in {"", "testserver"}:
        return None
    if not parts.path.startswith("/"):
        return None
    # The admin's way back to a filtered list changes nothing on the page.
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.startswith("_changelist_")
    )
    return parts.path + (f"?{query}" if query else "")


def crawl(client, start_paths, per_pattern=PER_PATTERN, per_admin_pattern=PER_ADMIN_PATTERN):
    """Visit the same-origin links from `start_paths`, at most `per_pattern`
    URLs per URL pattern (`per_admin_pattern` in the admin); the pages and
    errors."""
    seen_per_pattern = defaultdict(int)
    queued = set()
    queue = deque()
    for path in start_paths:
        queue.append((path, "(start)"))
        queued.add(path)
    pages = []  # (path, html) of every HTML page answered with 200
    errors = []
    while queue:
        path, came_from = queue.popleft()
        response = client.get(path)
        if response.status_code >= 500:
            errors.append(f"{path} answered {response.status_code} (linked from {came_from})")
            continue
        if response.status_code in {301, 302, 303, 307, 308}:
            links = [response["Location"]]
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            reader = _PageReader()
            reader.feed(response.content.decode())
            pages.append((path, reader.texts))
            links = reader.links
        else:
            continue
        for href in links:
            target = _same_origin_path(path, href)
            if target is None or target in queued:
                continue
            if any(part in target for part in SKIPPED_PATH_PARTS):
                continue
            pattern = _pattern_of(urlsplit(target).path)
            limit = per_admin_pattern if target.startswith("/admin/") else per_pattern
            if pattern is None or seen_per_pattern[pattern] >= limit:
                continue
            seen_per_pattern[pattern] += 1
            queued.add(target)
            queue.append((target, path))
    return pages, errors


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("username", DEMO_ROLES)
def test_every_linked_page_works_for_demo_user(client, demo_data, username, language):
    user = get_user_model().objects.get(username=username)
    # A crash is a finding to report with the others, not a stop.
    client.raise_request_exception = False
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    start = ["/", "/admin/"] if user.is_staff else ["/"]
    pages, errors = crawl(client, start)
    assert len(pages) > 10, "the crawl met too few pages to prove anything"
    if language == "en":
        allowed = {False: _allowed_texts(), True: _allowed_texts(admin=True)}
        for path, texts in pages:
            if words := _danish_left(texts, allowed[path.startswith("/admin/")]):
                errors.append(f"{path} shows Danish in English: {', '.join(sorted(words))}")
    assert not errors, "\n".join(errors)
