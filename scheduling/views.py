from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cap.errors import DomainError

from . import selectors, services
from .forms import BookingForm


@permission_required("scheduling.book_assessment", raise_exception=True)
def booking_queue(request):
    return render(request, "scheduling/booking_queue.html", {
        "referrals": selectors.booking_queue()[:200], "now": timezone.now(),
    })


@permission_required("scheduling.book_assessment", raise_exception=True)
def book(request, pk):
    referral = get_object_or_404(selectors.booking_queue(), pk=pk)
    teams = selectors.teams_for(referral, referral.stream)
    form = BookingForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_create(actor=request.user, referral=referral, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Assessment booked for {referral.reference}.")
            return redirect("scheduling:booking_queue")
    return render(request, "scheduling/book.html", {"form": form, "referral": referral})
