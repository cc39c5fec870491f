"""The delegations overview: places used and left, the stages with the women among them,
totals, the share against the event's target — in a constant number of queries."""

from __future__ import annotations

import pytest

from registration.nominations.selectors.overview import event_delegations_overview
from tests.registration.nominations.delegations_helpers import (
    CONFIRMED,
    delegation_create,
    nomination_add,
)
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db


def _world(size: int = 1):
    event = event_create(gender_balance_target=40)
    kg = delegation_create(event)
    tj = delegation_create(event, country="TJ", name="Tajikistan", quota=3)
    # Kyrgyz: 4 nominated (2 women); 3 approved (1 woman); 2 registered; 1 confirmed (a man).
    nomination_add(kg, 1, sex="female", status="approved", registered="awaiting_approval")
    nomination_add(kg, 2, sex="female")
    nomination_add(kg, 3, sex="male", status="approved", registered=CONFIRMED)
    nomination_add(kg, 4, sex="male", status="approved")
    nomination_add(kg, 5, sex="female", status="declined")  # gave the place back
    nomination_add(kg, 6, sex="female", status="replacement_asked")
    # Tajik: 1 nominated woman, confirmed; and ``size`` more delegations of one man each.
    nomination_add(tj, 1, sex="female", status="approved", registered=CONFIRMED)
    for n in range(size):
        extra = delegation_create(event, country="", kind="organisation", name=f"NGO {n}", quota=2)
        nomination_add(extra, 1, sex="male")
    return event, kg, tj


def test_figures_per_delegation_and_totals_against_the_target():
    event, kg, tj = _world()
    overview = event_delegations_overview(event)
    rows = {row.delegation.pk: row for row in overview.rows}
    row = rows[kg.pk]
    assert (row.quota, row.used, row.left, row.replacement_asked) == (4, 4, 0, 1)
    figures = {name: (s.total, s.women) for name, s in row.stages.items()}
    assert figures == {
        "nominated": (4, 2),
        "approved": (3, 1),
        "registered": (2, 1),
        "confirmed": (1, 0),
    }
    assert row.stages["nominated"].share == 50.0
    assert row.stages["nominated"].meets_target is True
    assert row.stages["approved"].share == 33.3
    assert row.stages["approved"].meets_target is False
    assert rows[tj.pk].left == 2
    assert rows[tj.pk].stages["confirmed"].meets_target is True

    totals = {name: (s.total, s.women) for name, s in overview.totals.items()}
    assert totals == {
        "nominated": (6, 3),
        "approved": (4, 2),
        "registered": (3, 2),
        "confirmed": (2, 1),
    }
    assert overview.totals["confirmed"].share == 50.0
    assert (overview.target, overview.quota, overview.used, overview.left) == (40, 9, 6, 3)


def test_no_target_and_nobody_yet_meet_nothing():
    event = event_create()
    delegation_create(event)
    [row] = event_delegations_overview(event).rows
    assert row.stages["nominated"].share is None
    assert row.stages["nominated"].meets_target is None


@pytest.mark.parametrize("size", [1, 12])
def test_constant_queries(size, django_assert_max_num_queries):
    event, _kg, _tj = _world(size)
    with django_assert_max_num_queries(2):
        overview = event_delegations_overview(event)
        assert len(overview.rows) == 2 + size
