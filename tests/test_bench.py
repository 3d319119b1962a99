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


def test_the_archive_benchmark_adds_its_stories_through_the_real_add(tmp_path):
    """Its render folders pass the archive's own guard (a verdict, the copy's and the
    edition's digests), so `make bench` reaches its search figures."""
    from newsprint.archive import catalogue as cat
    from newsprint.archive import core as archive
    from newsprint.bench.archive import build

    arch = archive.open_archive(tmp_path / "archive")
    (tmp_path / "scratch").mkdir()
    build(arch, 3, tmp_path / "scratch", report_every=1000)
    assert cat.count(arch.conn) == 3
