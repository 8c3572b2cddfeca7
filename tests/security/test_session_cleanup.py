"""Expired sessions are deleted daily by beat, with what they held."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions_task

pytestmark = pytest.mark.django_db


def session_with(answers: dict, *, expires_in: timedelta) -> str:
    store = SessionStore()
    store.update(answers)
    store.set_expiry(timezone.now() + expires_in)
    store.create()
    assert store.session_key
    return store.session_key


def test_the_task_deletes_expired_sessions_and_keeps_live_ones():
    expired = session_with({"public_referral": {"answers": {"details": {"given_name": "Asha"}}}},
                           expires_in=timedelta(seconds=-1))
    live = session_with({"_auth_user_id": "1"}, expires_in=timedelta(minutes=30))

    clear_expired_sessions_task.apply().get()

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()


def test_running_the_task_twice_deletes_nothing_more():
    session_with({}, expires_in=timedelta(days=-3))
    live = session_with({}, expires_in=timedelta(hours=1))
    clear_expired_sessions_task.apply().get()
    clear_expired_sessions_task.apply().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


def test_beat_runs_the_task_once_a_day():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == "accounts.tasks.clear_expired_sessions_task"
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {15}
