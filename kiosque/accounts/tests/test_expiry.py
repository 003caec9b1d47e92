from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from kiosque.accounts import jobs
from kiosque.accounts.flows import expiry
from kiosque.accounts.tests.conftest import login, post_stage
from kiosque.core import jobs as job_registry
from kiosque.mail.models import OutboxMessage

PARIS = ZoneInfo("Europe/Paris")


def test_expired_password_must_be_changed_at_login(client, user, clock):
    clock.advance(days=122)
    response = login(client, "ndupont")
    assert response.url == reverse("accounts:password_change_required")
    page = client.get(response.url).content.decode()
    assert "Votre mot de passe a expiré" in page
    assert "_auth_user_id" not in client.session
    response = post_stage(
        client,
        response.url,
        {"new_password1": "Nouveau-Choix-77", "new_password2": "Nouveau-Choix-77"},
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.password_changed_at == clock.current
    assert not user.must_change_password


def test_password_is_valid_until_its_expiry(client, user, clock):
    clock.advance(days=121, hours=23)
    assert login(client, "ndupont").url != reverse("accounts:password_change_required")


def _at_noon(user, clock):
    """The password set at noon (the days of a reminder are calendar days: a test starting
    near midnight would count one more)."""
    clock.current = datetime(2026, 12, 2, 12, 0, tzinfo=PARIS).astimezone(UTC)
    user.password_changed_at = clock.current
    user.save(update_fields=["password_changed_at"])


def test_reminders_14_and_3_days_before_each_sent_once(user, clock):
    _at_noon(user, clock)
    assert expiry.send_reminders() == 0
    clock.advance(days=122 - 15)
    assert expiry.send_reminders() == 0
    clock.advance(days=1, minutes=1)  # 14 days left
    assert expiry.send_reminders() == 1
    assert expiry.send_reminders() == 0
    clock.advance(days=5)
    assert expiry.send_reminders() == 0
    clock.advance(days=6)  # 3 days left
    assert expiry.send_reminders() == 1
    clock.advance(hours=1)
    assert expiry.send_reminders() == 0
    mails = list(OutboxMessage.objects.order_by("id"))
    assert [m.subject for m in mails] == ["[Kiosque] Votre mot de passe va expirer"] * 2
    assert "expire dans 14 jours" in mails[0].text_body
    assert "expire dans 3 jours" in mails[1].text_body
    assert mails[0].to == [user.email]


def test_a_new_password_gets_its_own_reminders(user, clock):
    from kiosque.accounts.flows import credentials

    clock.advance(days=110)
    assert expiry.send_reminders() == 1
    credentials.set_password(user, "Nouveau-Choix-77")
    clock.advance(days=110)
    assert expiry.send_reminders() == 1


def test_late_job_sends_only_the_most_urgent_reminder(user, clock):
    _at_noon(user, clock)
    clock.advance(days=120)
    assert expiry.send_reminders() == 1
    assert "expire dans 2 jours" in OutboxMessage.objects.get().text_body
    assert expiry.send_reminders() == 0


def test_jobs_are_registered_hourly():
    names = {job.name: job for job in job_registry.registered()}
    assert names["accounts.password_expiry_reminders"].every == timedelta(hours=1)
    assert "accounts.purge_connection_history" in names
    assert jobs.password_expiry_reminders is not None


def test_job_runs_through_the_registry(user, clock):
    clock.advance(days=109)
    job = next(
        j for j in job_registry.registered() if j.name == "accounts.password_expiry_reminders"
    )
    assert job_registry.claim(job, now=clock.current)
    assert job_registry.run(job)
    assert OutboxMessage.objects.count() == 1


def test_a_password_expiring_during_a_session_sends_to_the_change_page(client, user, clock):
    from django.utils import timezone

    from kiosque.accounts.models import User
    from kiosque.accounts.tests.conftest import NEW_PASSWORD, PASSWORD, signed_in_client

    signed_in_client(client, user)
    almost = timezone.now() - timedelta(days=122) + timedelta(minutes=1)
    User.objects.filter(pk=user.pk).update(password_changed_at=almost)
    assert client.get("/applications/").status_code == 200
    clock.advance(minutes=2)  # the password expires while the session is open
    response = client.get("/applications/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Votre mot de passe a expiré" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/applications/").status_code == 200


def _expiring(user, clock, deadline, now):
    """The user's password expires at `deadline` (Paris time); the clock shows `now`."""
    user.password_changed_at = deadline.astimezone(UTC) - timedelta(days=122)
    user.save(update_fields=["password_changed_at"])
    clock.current = now.astimezone(UTC)


def test_the_reminder_counts_the_days_to_the_date_it_shows(user, clock):
    deadline = datetime(2026, 12, 14, 9, 0, tzinfo=PARIS)
    _expiring(user, clock, deadline, now=deadline - timedelta(days=12))  # 110 days old
    assert expiry.send_reminders() == 1
    body = OutboxMessage.objects.get().text_body
    assert "Votre mot de passe expire dans 12 jours, le 14/12/2026 à 09:00." in body


def test_the_days_follow_the_calendar_not_the_hours_left(user, clock):
    # 12 days and 1 hour left, but from the evening of 01/12 to 14/12 is 13 days.
    deadline = datetime(2026, 12, 14, 0, 30, tzinfo=PARIS)
    _expiring(user, clock, deadline, now=datetime(2026, 12, 1, 23, 30, tzinfo=PARIS))
    assert expiry.send_reminders() == 1
    body = OutboxMessage.objects.get().text_body
    assert "expire dans 13 jours, le 14/12/2026 à 00:30." in body


def test_the_day_after_the_boundary_counts_one_day_less(user, clock):
    deadline = datetime(2026, 12, 14, 0, 30, tzinfo=PARIS)
    _expiring(user, clock, deadline, now=datetime(2026, 12, 2, 0, 10, tzinfo=PARIS))
    assert expiry.send_reminders() == 1
    assert "expire dans 12 jours, le 14/12/2026" in OutboxMessage.objects.get().text_body


def test_a_password_expiring_today_says_so(user, clock):
    deadline = datetime(2026, 12, 14, 18, 0, tzinfo=PARIS)
    _expiring(user, clock, deadline, now=datetime(2026, 12, 14, 8, 0, tzinfo=PARIS))
    assert expiry.send_reminders() == 1
    body = OutboxMessage.objects.get().text_body
    assert "Votre mot de passe expire aujourd'hui à 18:00." in body
    assert "0 jour" not in body
