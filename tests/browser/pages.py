"""What every browser test shares: signing in and out, the header menu, the axe-core accessibility check
(WCAG 2.2 AA rules), filling the NHS.UK date and date-and-time inputs, the newest history
row of a record, and the staff a structured assessment needs."""

import time
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from scheduling.models import ClinicRoom, Discipline
from tests.factories import PractitionerFactory
from tests.sign_in import authenticator_for, code_for

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page):
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))",
        WCAG_AA,
    )
    assert violations == [], f"{page.url}: {violations}"


def sign_in(page, base, username, password):
    """Both steps: the password, then the code the user's authenticator app shows now
    (computed from their device; one is set up for a user who has none)."""
    user = User.objects.get(username=username)
    authenticator_for(user)
    sign_in_password_only(page, base, username, password)
    page.get_by_role("heading", name="Enter your security code").wait_for()
    page.get_by_label("Security code").fill(code_for(user))
    page.get_by_role("button", name="Continue").click()


def sign_in_password_only(page, base, username, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_from_menu(page, name: str, timeout_ms: int = 15_000):
    """Follow the header menu's link `name`, as a user would: a link that does not fit the
    width is under the menu's More button (the NHS.UK header moves it there).

    The header re-measures itself whenever the navigation's width changes (a web font
    arriving, a resize) and closes the More menu as it does, so the link is looked for
    again, and the menu reopened, until it can be clicked."""
    page.wait_for_load_state("load")
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=name, exact=True).locator("visible=true").first
    more = menu.get_by_role("button", name="Browse More")
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if link.count():
            try:
                link.click(timeout=1_000)
                return
            except PlaywrightTimeoutError:
                continue
        if more.is_visible() and more.get_attribute("aria-expanded") != "true":
            more.click()
        page.wait_for_timeout(100)
    raise AssertionError(f"The header menu has no link {name!r} to follow on {page.url}")


def date_group(scope, legend: str):
    """The NHS.UK date input (or date and time input) whose legend is `legend`: a fieldset
    with the group role, its boxes labelled Day, Month, Year (Hour, Minute)."""
    return scope.get_by_role("group", name=legend, exact=True)


def fill_date(scope, legend: str, value: date | None):
    """Type `value` into the Day, Month and Year boxes of the date input `legend` (None
    empties them)."""
    group = date_group(scope, legend)
    for part, text in zip(("Day", "Month", "Year"),
                          ("", "", "") if value is None else (value.day, value.month, value.year),
                          strict=True):
        group.get_by_label(part, exact=True).fill(str(text))


def fill_datetime(scope, legend: str, value: datetime):
    """Type `value`, in UK time, into the date and time input `legend`: its date's three
    boxes and its Hour and Minute."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    fill_date(scope, legend, local.date())
    group = date_group(scope, legend)
    group.get_by_label("Hour", exact=True).fill(f"{local:%H}")
    group.get_by_label("Minute", exact=True).fill(f"{local:%M}")


def date_typed(scope, legend: str) -> date | None:
    """The date the Day, Month and Year boxes of `legend` show, or None when any is empty."""
    group = date_group(scope, legend)
    parts = [group.get_by_label(part, exact=True).input_value() for part in ("Day", "Month", "Year")]
    return date(int(parts[2]), int(parts[1]), int(parts[0])) if all(parts) else None


def sign_out(page):
    page.get_by_role("button", name="Log out").click()


def latest_history(record, user=None):
    """The record's newest history row; with `user`, checked to name who made the change."""
    row = record.history.order_by("-history_date", "-history_id").first()
    if user is not None:
        assert row.history_user == user
    return row


def structured_assessment_staff(team):
    """The other disciplines of the default template, and a clinic room."""
    for name, code in [("Sam Adeyemi", "support_worker"), ("Hari Mistry", "healthcare_support_worker")]:
        PractitionerFactory(name=name, teams=[team], discipline=Discipline.objects.get(code=code))
    ClinicRoom.objects.create(name="Room 2", site="Neville Centre, Leicester LE5 4QG").teams.add(team)
