from datetime import timedelta

from django.urls import reverse

from kiosque.accounts import jobs
from kiosque.accounts.flows import expiry
from kiosque.accounts.tests.conftest import login, post_stage
from kiosque.core import jobs as job_registry
from kiosque.mail.models import OutboxMessage


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


def test_reminders_14_and_3_days_before_each_sent_once(user, clock):
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
    clock.advance(days=120)
    assert expiry.send_reminders() == 1
    assert "expire dans 3 jours" in OutboxMessage.objects.get().text_body
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
