"""The appointment page a message links to (no login: the signed link is the credential),
and the admin team's reading of replies the service could not act on."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.permissions import permission_required
from scheduling.models import BookingStatus

from . import links, questions, replies, services
from .forms import CAN_YOU_COME, QuestionsForm, ReplyForm
from .models import AppointmentQuestions, Reply, ReplyChannel, ReplyIntent

READ_REPLIES = "scheduling.book_assessment"
SAID = dict(CAN_YOU_COME)
RECEIPT_NEEDS = ("reference", "status")


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
    return render(request, "messaging/appointment.html", {
        "booking": booking, "booked": booking.status == BookingStatus.BOOKED,
        "reply_form": reply_form, "questions_form": questions_form,
        "sent_questions": AppointmentQuestions.objects.filter(booking=booking),
        "said": Reply.objects.filter(booking=booking, channel=ReplyChannel.ONLINE).last(),
        "asked_another_time": Reply.objects.filter(booking=booking, intent=ReplyIntent.REBOOK).exists(),
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




@csrf_exempt
@login_not_required
@require_POST
def delivery_receipt(request):
    """GOV.UK Notify's delivery receipt for one message, authenticated by the bearer token
    set in Notify's callback settings (NOTIFY_CALLBACK_TOKEN)."""
    token = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return JsonResponse({"detail": "A valid bearer token is needed."}, status=401)
    try:
        receipt = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "The body must be JSON."}, status=400)
    if not isinstance(receipt, dict) or not all(isinstance(receipt.get(k), str) for k in RECEIPT_NEEDS):
        return JsonResponse({"detail": "A receipt needs a reference and a status, as text."}, status=400)
    try:
        at = parse_datetime(str(receipt.get("completed_at") or "")) or timezone.now()
    except ValueError:
        return JsonResponse({"detail": "completed_at is not a date and time."}, status=400)
    services.delivery_receipt_record(reference=receipt["reference"], status=receipt["status"], at=at)
    return JsonResponse({}, status=200)
