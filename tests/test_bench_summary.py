"""``make bench`` ends with every figure beside its goal: the judgement must be right, because
README's table is copied from it."""

from __future__ import annotations

import pytest

from bench import harness


@pytest.fixture(autouse=True)
def _no_figures(monkeypatch):
    monkeypatch.setattr(harness, "FIGURES", [])


def test_each_figure_is_judged_against_its_own_goal(capsys):
    harness.report("Registrations", [], ("registrations / bare form", 0.387), at_least=0.5, aim=0.8)
    harness.record("two workers / one", 1.921, at_least=1.6)
    harness.record("queries on a cache hit", 0, at_most=0)
    harness.record("queries on a miss", 19, at_most=0)
    harness.record("report / rows", 1.7)

    harness.summary()

    lines = {
        line.split("  ")[1].strip(): line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("  ") and not line.startswith("  figure")
    }
    assert lines["registrations / bare form"].rstrip().endswith("MISSED")
    assert ">= 0.5 (aim 0.8)" in lines["registrations / bare form"]
    assert lines["two workers / one"].rstrip().endswith("met")
    assert lines["queries on a cache hit"].rstrip().endswith("met")
    assert lines["queries on a miss"].rstrip().endswith("MISSED")
    assert lines["report / rows"].rstrip().endswith("-")
    assert "goals met: 2 of 4" in lines["goals met: 2 of 4"]
