"""Staff sign-in that cannot be guessed: django-axes lockout on Wagtail's login page, and
optional TOTP (django-otp) after the password."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff():
    # Wagtail's admin pages look up the default locale, which a migration made: a transactional
    # test earlier in the run (a worker test) empties every table, so put it back.
    Locale.objects.get_or_create(language_code="en")
    return get_user_model().objects.create_superuser(
        username="organiser", email="organiser@example.org", password=PASSWORD
    )


def sign_in(client, password=PASSWORD, username="organiser"):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client) -> bool:
    """An admin page answers (not a redirect to sign in or to the code)."""
    return client.get("/admin/account/").status_code == 200


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


# --- throttling (django-axes) ----------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    for n in range(30):
        sign_in(client, password=f"guess-{n}")
    response = sign_in(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Вход приостановлен" in html
    assert "30 минут" in html
    assert not signed_in(client)


def test_lockout_holds_only_for_that_username_from_that_address(staff):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        sign_in(attacker, password=f"guess-{n}")
    assert sign_in(attacker).status_code == 429
    colleague = Client(REMOTE_ADDR="198.51.100.2")
    assert sign_in(colleague).status_code == 302
    assert signed_in(colleague)


def test_a_right_password_resets_the_count_of_wrong_ones(staff):
    client = Client()
    for n in range(4):
        sign_in(client, password=f"guess-{n}")
    assert sign_in(client).status_code == 302
    client.logout()
    for n in range(4):
        sign_in(client, password=f"guess-{n}")
    assert sign_in(client).status_code == 302
    assert signed_in(client)


def test_lockout_page_in_english(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for n in range(5):
        sign_in(client, password=f"guess-{n}")
    response = sign_in(client)
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()


def test_force_login_still_works_with_the_axes_backend(staff, client):
    client.force_login(staff)
    assert signed_in(client)


# --- optional TOTP (django-otp) --------------------------------------------------------------


def test_user_without_a_device_signs_in_as_before(staff, client):
    assert sign_in(client).status_code == 302
    assert signed_in(client)


def test_user_with_a_device_needs_the_code_after_the_password(staff, client):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    assert sign_in(client).status_code == 302
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/otp/verify/?next=%2Fadmin%2Fpages%2F"
    wrong = client.post("/admin/otp/verify/", {"token": "000000", "next": "/admin/pages/"})
    assert wrong.status_code == 400
    assert not signed_in(client)
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above throttles the next try
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post("/admin/otp/verify/", {"token": code(device), "next": "/admin/pages/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/pages/"
    assert signed_in(client)


def test_enrol_shows_a_qr_code_and_turns_on_with_one_right_code(staff, client):
    client.force_login(staff)
    page = client.get("/admin/otp/enrol/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    assert client.get("/admin/otp/enrol/").status_code == 200
    assert TOTPDevice.objects.filter(user=staff).count() == 1  # same QR code on a second visit
    response = client.post("/admin/otp/enrol/", {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert signed_in(client)  # this session is verified by the code just typed
    other = Client()
    sign_in(other)
    assert not signed_in(other)  # a new sign-in needs the code


def test_otp_required_sends_users_without_a_device_to_enrol(staff, client, settings):
    settings.OTP_REQUIRED = True
    sign_in(client)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/otp/enrol/")


def test_verify_refuses_a_next_url_of_another_site(staff, client):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    sign_in(client)
    response = client.post(
        "/admin/otp/verify/", {"token": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_account_page_offers_two_step_sign_in(staff, client):
    client.force_login(staff)
    html = client.get("/admin/account/").content.decode()
    assert 'href="/admin/otp/enrol/"' in html
