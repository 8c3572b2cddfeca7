"""Find a person or a referral: the results page of the header's search box (cap.find)."""

from django.shortcuts import render

from core.audit import record_access_log_many
from core.permissions import permission_required

from . import selectors
from .find import FindForm

# The box is for the roles that read every referral and its person (access.rules,
# Record.REFERRAL): triage clinicians, the admin team, the hub's staff and managers.
# Practitioners read records through their care of a person, and call handlers find the
# caller on their own screen: a search across everyone is not their work.
FIND_PERMISSION = "cap.view_referral"


@permission_required(FIND_PERMISSION)
def find(request):
    """The people (and their referrals) an NHS number, a name with a date of birth or a
    referral reference finds; each person shown is logged as read."""
    form = FindForm(request.GET if "q" in request.GET else None)
    people = None
    if form.is_bound and form.is_valid():
        people = selectors.find_people_and_referrals(form.cleaned_data["key"])
        record_access_log_many(actor=request.user, view="find a person or referral", service_users=people)
    return render(request, "cap/find.html", {"form": form, "people": people})
