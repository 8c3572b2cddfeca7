"""Managers' pages of who has looked at a record: find a person or a user, then read
their log, filtered by date, a page at a time or as CSV. Reading a person's log, or a
user's (which names the people they read), is itself a read of those people."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from core.audit import record_access_log, record_access_log_many, record_accesses_by, record_accesses_for
from core.csv_export import csv_stream
from core.permissions import permission_required

from . import access_log, selectors
from .forms import AccessLogFilterForm, PersonSearchForm, UserSearchForm
from .models import RecordAccess, ServiceUser

VIEW_LOG = "cap.view_recordaccess"
PER_PAGE = 50
USERS_FOUND_LIMIT = 50


@permission_required(VIEW_LOG)
def record_access(request):
    """Find the person whose record, or the user whose reading, is asked about."""
    person_search = PersonSearchForm(request.GET if "person-search" in request.GET else None, prefix="find")
    user_search = UserSearchForm(request.GET if "user-search" in request.GET else None, prefix="user")
    people = users = None
    if person_search.is_bound and person_search.is_valid():
        people = list(selectors.people_search(**person_search.cleaned_data))
        record_access_log_many(actor=request.user, service_users=people, view="record access: search results")
    if user_search.is_bound and user_search.is_valid():
        q = user_search.cleaned_data["q"].strip()
        words = Q()
        for word in q.split()[:4]:
            words &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        users = list(get_user_model().objects.filter(Q(username__icontains=q) | words)
                     .order_by("last_name", "first_name", "username")[:USERS_FOUND_LIMIT])
        roles = access_log.roles_of_readers(u.pk for u in users)
        users = [(u, roles.get(u.pk, [])) for u in users]
    status = 400 if person_search.errors or user_search.errors else 200
    return render(request, "cap/record_access.html", {
        "person_search": person_search, "user_search": user_search, "people": people, "users": users,
    }, status=status)


def _filtered(request, accesses):
    """The filter form and the reads within its dates; None for the reads when the
    dates are wrong (the page says why and keeps what was typed)."""
    form = AccessLogFilterForm(request.GET or None)
    if not form.is_bound:
        return form, accesses
    if not form.is_valid():
        return form, None
    return form, access_log.within(accesses, form.cleaned_data.get("start"), form.cleaned_data.get("end"))


def _wants_csv(request, accesses) -> bool:
    return accesses is not None and request.GET.get("format") == "csv"


def _page(request, form, accesses, *, title, caption, subject, people_shown=None):
    """The log a page at a time, newest first, with the filter kept in every link."""
    valid = accesses is not None
    page = Paginator(accesses if valid else RecordAccess.objects.none(), PER_PAGE).get_page(
        request.GET.get("page"))
    rows = access_log.rows_of(page.object_list)
    if people_shown:
        people_shown(rows)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(request, "cap/access_log.html", {
        "title": title, "caption": caption, "form": form, "page": page, "rows": rows,
        "query": query.urlencode(), "csv_query": csv_query.urlencode(), "subject": subject,
        "person_log": isinstance(subject, ServiceUser),
    }, status=200 if valid else 400)


@permission_required(VIEW_LOG)
def record_access_log_page(request, pk):
    """Who has looked at this person's record, newest first."""
    person = get_object_or_404(ServiceUser, pk=pk)
    form, accesses = _filtered(request, record_accesses_for(person))
    if _wants_csv(request, accesses):
        record_access_log(actor=request.user, service_user=person, view="record access log CSV")
        return csv_stream(f"record-access-{person.pk}", access_log.CSV_HEADER, access_log.csv_rows(accesses))
    # Written before the page is read, so this read is the newest row it shows.
    record_access_log(actor=request.user, service_user=person, view="record access log")
    return _page(request, form, accesses, subject=person, title=f"Who has looked at the record of {person}",
                 caption="Reads of this person's record, newest first")


@permission_required(VIEW_LOG)
def user_access_log(request, pk):
    """Whose records this user has looked at, newest first. It names those people: the
    export logs a read of everyone in it, a page of everyone on it."""
    reader = get_object_or_404(get_user_model(), pk=pk)
    form, accesses = _filtered(request, record_accesses_by(reader))
    if _wants_csv(request, accesses):
        record_access_log_many(actor=request.user, view="user access log CSV", service_users=list(
            ServiceUser.objects.filter(pk__in=accesses.values("service_user_id")).order_by("pk")))
        return csv_stream(f"user-access-{reader.pk}", access_log.CSV_HEADER, access_log.csv_rows(accesses))

    def people_shown(rows):
        people = {row.access.service_user_id: row.access.service_user for row in rows}
        record_access_log_many(actor=request.user, view="user access log", service_users=people.values())

    return _page(request, form, accesses, subject=reader,
                 title=f"Records looked at by {access_log.reader_name(reader)}",
                 caption=f"Reads by {reader.get_username()}, newest first", people_shown=people_shown)
