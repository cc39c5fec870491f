"""The nomination pages in a browser: the focal point's delegation page (with nominees, in
Russian) and the approved nominee's prefilled registration form work 320 px wide without
sideways scrolling and pass axe-core, like the other public and private pages."""

from __future__ import annotations

import pytest

from registration.nominations.links import delegation_url
from registration.nominations.services.nominating import nomination_create
from registration.nominations.services.nominees import invite_url
from tests.browser.test_programme_reflow import _check
from tests.registration.nominations.focal_helpers import before_deadline, delegation_create, nominee
from tests.registration.nominations.nominee_helpers import approved_nomination

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_page_reflows_and_passes_axe(live_server, page, axe):
    delegation = delegation_create()
    for n in (1, 2):
        nomination_create(delegation=delegation, data=nominee(n), now=before_deadline(delegation))
    url = f"{live_server.url}{delegation_url(delegation, absolute=False)}"

    assert _check(page, axe, url) == {}
    assert "Bermet Toktogulova" in page.content()


def test_nominee_registration_form_reflows_and_passes_axe(live_server, page, axe):
    nomination = approved_nomination()
    url = f"{live_server.url}{invite_url(nomination, language='ru', absolute=False)}"

    assert _check(page, axe, url) == {}
    assert page.locator("input[name=given_name]").input_value() == "Aizada"
