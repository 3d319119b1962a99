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


def test_a_timed_command_reports_its_own_peak_memory_not_the_benchs(tmp_path):
    """A command forked straight from a large bench process inherited its RSS into
    its own peak (the growth figures said 1.4 GB a worker); timed_run launches it from
    a small interpreter, so the figure is the command's."""
    import sys

    from newsprint.bench.peers import timed_run

    ballast = bytearray(400 * 2**20)  # the bench, grown by what it ran before
    ballast[::4096] = b"x" * len(ballast[::4096])  # touched: resident
    seconds, small, code = timed_run([sys.executable, "-c", "pass"], tmp_path)
    assert code == 0 and 0 < seconds < 30 and small < 150
    grow = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])"
    _, large, _ = timed_run([sys.executable, "-c", grow], tmp_path)
    assert large > small + 250
    del ballast
