"""`make bench`'s own paths run to the end (its figures are never asserted: timings
belong to the benchmark, not to a test)."""

from __future__ import annotations

from conftest import SEED


def test_the_clreq_cost_renders_the_seed_with_and_without_clreq():
    """Without clreq the seed's lines break otherwise: its measurement is its own, and
    its render skips the typography rules clreq exists to keep (both ways alike)."""
    from newsprint import clreq
    from newsprint.bench.render import clreq_cost

    figures = clreq_cost(SEED.resolve(), repeat=1)
    assert clreq.installed()  # switched back on after
    assert set(figures) >= {"render_ratio", "layout_ratio"}
    assert all(value > 0 for value in figures.values())
