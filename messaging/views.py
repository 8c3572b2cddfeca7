"""The appointment page a message links to (no login: the signed link is the credential),
and the admin team's reading of replies the service could not act on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.permissions import permission_required
from scheduling.models import BookingStatus

from . import links, questions, replies
from .forms import CAN_YOU_COME, QuestionsForm, ReplyForm
from .models import AppointmentQuestions, Reply, ReplyChannel

READ_REPLIES = "scheduling.book_assessment"
SAID = dict(CAN_YOU_COME)


@login_not_required
@require_http_methods(["GET", "POST"])
def appointment(request, token):
    now = timezone.now()
    try:
        booking = links.booking_of(token, now)
    except links.LinkNotValid:
        return render(request, "messaging/link_not_valid.html", status=404)
    action = request.POST.get("action") if request.method == "POST" else None
    reply_form = ReplyForm(request.POST if action == "reply" else None)
    questions_form = QuestionsForm(request.POST if action == "questions" else None)
    status = 200
    try:
        if action == "reply" and reply_form.is_valid():
            intent = reply_form.cleaned_data["intent"]
            replies.reply_act(booking=booking, intent=intent, channel=ReplyChannel.ONLINE, text=SAID[intent],
                              received_at=now)
            messages.success(request, _thanks(intent))
            return redirect(request.path)
        if action == "questions" and questions_form.is_valid():
            text = questions_form.cleaned_data["questions"]
            questions.questions_submit(booking=booking, text=text, now=now)
            messages.success(request, "Thank you. The people you will see will read your questions before "
                                      "your appointment.")
            return redirect(request.path)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(request.path)
    if action:
        status = 400
    booking.refresh_from_db(fields=["status"])
    return render(request, "messaging/appointment.html", {
        "booking": booking, "booked": booking.status == BookingStatus.BOOKED,
        "reply_form": reply_form, "questions_form": questions_form,
        "sent_questions": AppointmentQuestions.objects.filter(booking=booking),
        "said": Reply.objects.filter(booking=booking, channel=ReplyChannel.ONLINE).last(),
    }, status=status)


def _thanks(intent: str) -> str:
    if intent == "confirm":
        return "Thank you for telling us you will come."
    if intent == "rebook":
        return "We have cancelled this time. We will contact you to arrange another day or time."
    return "Your appointment is cancelled. We will contact you about what happens next."


@permission_required(READ_REPLIES)
@require_POST
def reply_read(request, pk):
    reply = get_object_or_404(Reply, pk=pk)
    replies.reply_read(actor=request.user, reply=reply)
    messages.success(request, "Reply marked as dealt with.")
    return redirect("scheduling:booking_queue")


