"""Staff pages of the directory: search, the Community Knowledge Officer's upkeep,
import and export, the staff helpline, the unmet needs report and the directory of
expertise. The public search is in directory/public.py."""

import csv

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.kept_work import keeps_typed_work
from core.errors import DomainError
from core.permissions import permission_required
from core.uploads import files_of, upload_limit

from . import openreferral, selectors, services
from .forms import (
    CategoriseForm,
    ExpertiseForm,
    ExpertiseSearchForm,
    HelplineForm,
    ImportForm,
    SearchForm,
    ServiceForm,
    UnmetNeedForm,
)
from .models import CommunityService, Expertise, HelplineQuery

VIEW = "directory.view_communityservice"
MANAGE = "directory.manage_directory"
HELPLINE = "directory.log_helpline_query"


def search_page(request, template: str, **context):
    """Shared by the staff and public pages: an empty form shows no results yet."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.services_search(form.search())
    return render(request, template, {"form": form, "results": results, **context})


@permission_required(VIEW)
def index(request):
    return search_page(request, "directory/index.html",
                       can_manage=request.user.has_perm(MANAGE))


@permission_required(VIEW)
def service(request, pk):
    entry = get_object_or_404(CommunityService.objects.select_related("provider", "last_checked_by"), pk=pk)
    can_manage = request.user.has_perm(MANAGE)
    return render(request, "directory/service.html", {
        "service": entry, "can_manage": can_manage,
        "locations": entry.locations.all(), "schedules": entry.schedules.all(),
        "pcns": entry.pcns.order_by("name"),
        "history": selectors.service_history(entry)[:50] if can_manage else None,
    })


@permission_required(MANAGE)
@keeps_typed_work
def service_new(request):
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.service_create(actor=request.user, details=form.details())
        except DomainError as e:
            form.add_domain_error(e)
        else:
            messages.success(request, f"{entry.name} added to the directory.")
            return redirect("directory:service", entry.pk)
    return render(request, "directory/service_form.html", {"form": form, "heading": "Add a directory entry"})


@permission_required(MANAGE)
@keeps_typed_work
def service_edit(request, pk):
    entry = get_object_or_404(CommunityService, pk=pk)
    form = ServiceForm.for_service(entry, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(actor=request.user, service=entry,
                                    details=form.details(identifier=entry.identifier))
        except DomainError as e:
            form.add_domain_error(e)
        else:
            messages.success(request, f"{entry.name} saved.")
            return redirect("directory:service", entry.pk)
    return render(request, "directory/service_form.html",
                  {"form": form, "heading": f"Edit {entry.name}", "service": entry})


def _entry_action(action, done: str):
    @require_POST
    @permission_required(MANAGE)
    def view(request, pk):
        entry = get_object_or_404(CommunityService, pk=pk)
        try:
            action(actor=request.user, service=entry)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"{entry.name} {done}.")
        if request.POST.get("next") == "to_check":  # verified from the list of entries to check
            return redirect("directory:to_check")
        return redirect("directory:service", entry.pk)

    return view


service_retire = _entry_action(services.service_retire, "retired: it no longer shows in searches")
service_reinstate = _entry_action(services.service_reinstate, "reinstated")
service_verify = _entry_action(services.service_verify, "checked today")


@permission_required(MANAGE)
def to_check(request):
    return render(request, "directory/to_check.html", {
        "services": selectors.services_to_check()[:500], "months": 6})


@permission_required(MANAGE)
def to_categorise(request):
    return render(request, "directory/to_categorise.html", {
        "services": selectors.services_to_categorise()[:500],
        "count": selectors.services_to_categorise().count()})


@permission_required(MANAGE)
@keeps_typed_work
def service_categorise(request, pk):
    entry = get_object_or_404(CommunityService, pk=pk)
    form = CategoriseForm(request.POST or None, terms=entry.terms_to_categorise,
                          initial={"category": entry.category or None,
                                   "needs": [n for n in entry.needs if n != entry.category]})
    if request.method == "POST" and form.is_valid():
        try:
            done = services.service_categorise(actor=request.user, service=entry,
                                               category=form.cleaned_data["category"],
                                               needs=form.cleaned_data["needs"], remember=form.remembered())
        except DomainError as e:
            form.add_domain_error(e)
        else:
            others = f" and {len(done) - 1} more with the same term" if len(done) > 1 else ""
            messages.success(request, f"{entry.name}{others} categorised.")
            return redirect("directory:to_categorise")
    return render(request, "directory/categorise.html", {"form": form, "service": entry})


@permission_required(MANAGE)
@keeps_typed_work
@upload_limit(ImportForm.MAX_BYTES)
def import_services(request):
    form = ImportForm(request.POST or None, files_of(request) or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = openreferral.import_services(actor=request.user, text=form.cleaned_data["file"])
    return render(request, "directory/import.html", {"form": form, "report": report})


@permission_required(MANAGE)
def export_services(request):
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(openreferral.export_services(), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="directory-{stamp}.jsonl"'
    return response


# --- The staff helpline ---------------------------------------------------------------

@permission_required(HELPLINE)
@keeps_typed_work
def helpline(request):
    form = HelplineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.helpline_query_log(actor=request.user, details=form.details())
        except DomainError as e:
            form.add_domain_error(e)
        else:
            messages.success(request, "Query logged.")
            return redirect("directory:helpline")
    queries = (HelplineQuery.objects.select_related("logged_by", "unmet_need")
               .prefetch_related("suggested").order_by("-asked_at", "-id")[:100])
    return render(request, "directory/helpline.html", {"form": form, "queries": queries})


@permission_required(HELPLINE)
@keeps_typed_work
def unmet_need_new(request):
    form = UnmetNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unmet_need_log(actor=request.user, need=data["need"], area=data["area"],
                                    description=data["description"])
        except DomainError as e:
            form.add_domain_error(e)
        else:
            messages.success(request, "Unmet need logged.")
            return redirect("directory:unmet_needs")
    return render(request, "directory/unmet_need_form.html", {"form": form})


@permission_required("directory.view_unmet_need_report")
def unmet_needs(request):
    rows = selectors.unmet_needs_report()
    if request.GET.get("format") == "csv":
        return _report_csv(rows)
    return render(request, "directory/unmet_needs.html", {
        "rows": rows, "total": sum(r.count for r in rows),
        "can_log": request.user.has_perm(HELPLINE)})


def _report_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="unmet-needs-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Month", "Category of need", "Postcode district", "Area", "Unmet needs"])
    for row in rows:
        writer.writerow([row.month.strftime("%Y-%m"), row.need_label, row.postcode_district, row.place,
                         row.count])
    return response


# --- The directory of expertise ----------------------------------------------------------

@permission_required("directory.view_expertise")
def expertise(request):
    form = ExpertiseSearchForm(request.GET or None)
    found = None
    if form.is_valid():
        found = selectors.expertise_search(**form.cleaned_data)[:100]
    elif not form.is_bound:
        found = selectors.expertise_search()[:100]
    return render(request, "directory/expertise.html", {
        "form": form, "found": found, "can_manage": request.user.has_perm("directory.manage_expertise")})


@permission_required("directory.manage_expertise")
@keeps_typed_work
def expertise_edit(request, pk=None):
    entry = get_object_or_404(Expertise, pk=pk) if pk else None
    initial = {}
    if entry:
        initial = {f: getattr(entry, f) for f in ("practitioner", "specialty", "skills", "phone_advice",
                                                   "supervision", "joint_contact", "notes")}
    form = ExpertiseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.expertise_save(actor=request.user, practitioner=form.cleaned_data["practitioner"],
                                    details=form.details(), expertise=entry)
        except DomainError as e:
            form.add_domain_error(e)
        else:
            messages.success(request, "Expertise saved.")
            return redirect("directory:expertise")
    return render(request, "directory/expertise_form.html", {"form": form, "entry": entry})


@require_POST
@permission_required("directory.manage_expertise")
def expertise_remove(request, pk):
    entry = get_object_or_404(Expertise, pk=pk)
    services.expertise_remove(actor=request.user, expertise=entry)
    messages.success(request, "Expertise taken off the directory.")
    return redirect("directory:expertise")
