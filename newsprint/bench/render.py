"""`make bench`: how long the seed takes and what it costs, printed for people.

Timings live here, never in tests: the machines are shared and noisy, so the
figures that matter are compared within one run (ratios), not against constants.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from statistics import median

from newsprint.bench.pdfbytes import summary, where_the_bytes_go
from newsprint.bench.peers import PeerRun, peers, timed_run
from newsprint.config import PROJECT_ROOT
from newsprint.preflight.typography import format_report, measure


def cold_render(story: Path, out: Path, fit_cache: Path) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of `python render.py STORY` in a fresh process, with
    every output (print pages, archive copy, proof, manifest, preflight); `fit_cache` is
    its folder of fits and measurements on disk (typeset/fitstore.py): empty, the story
    is new (measured and solved from nothing)."""
    out.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, str(PROJECT_ROOT / "render.py"), str(story), "--out", str(out)]
    env = {**os.environ, "NEWSPRINT_FIT_CACHE": str(fit_cache)}
    seconds, peak, _ = timed_run(args, out, env=env)
    return seconds, peak


def warm_render(story: Path, out: Path, runs: int = 3) -> list[float]:
    """In-process re-renders with fonts and stylesheets already loaded."""
    from newsprint.build import build, session_css
    from newsprint.config import load_config
    from newsprint.typeset.typesetter import Typesetter

    typesetter = Typesetter(session_css(load_config()))
    build(story, out, typesetter=typesetter)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(story, out, typesetter=typesetter)
        times.append(time.perf_counter() - started)
    return times


def clreq_cost(story: Path, repeat: int = 2) -> dict:
    """Layout time of the story with and without clreq, best of `repeat`, in one process.

    The whole render (what the desk waits for; the figure bounded at 1.3×) and the
    WeasyPrint layout passes alone (what clreq changes) are both timed. The render runs
    without the typography report, both ways: without clreq its rules fail (marks not
    compressed, units split), which stops the render before it is written.
    """
    from newsprint import clreq
    from newsprint.build import compose_pages, prepare, session_css
    from newsprint.compose.html import compose_html, geometry_css, template_env
    from newsprint.config import load_config
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    job = prepare(story, config)
    env = template_env(job.fmt, config)
    typesetter = Typesetter(session_css(config))
    typesetter.fit_cache = None  # solve the make-up every run (its measurements are cached)

    def best() -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            plan = compose_pages(job, config, typesetter, env)
            html = compose_html(job.story, job.edition, plan, job.fmt, "", env)
            typesetter.render(html, geometry_css(job.fmt))
            times.append(time.perf_counter() - started)
        return min(times)

    def best_render() -> float:
        from newsprint.build import build

        with tempfile.TemporaryDirectory() as tmp:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                build(story, Path(tmp), typesetter=typesetter, typography=False)
                times.append(time.perf_counter() - started)
        return min(times)

    with_clreq, render_with = best(), best_render()
    clreq.uninstall()
    try:
        without, render_without = best(), best_render()
    finally:
        clreq.install()
    return {
        "render_with_clreq_s": round(render_with, 2),
        "render_without_s": round(render_without, 2),
        "render_ratio": round(render_with / render_without, 2),
        "layout_with_clreq_s": round(with_clreq, 2),
        "layout_without_s": round(without, 2),
        "layout_ratio": round(with_clreq / without, 2),
    }


PAIRS = 5  # rounds of (new story, cold, peers): one round moves 20 % on this machine


def cold_and_peers(story: Path, out: Path, pairs: int = PAIRS) -> dict:
    """Our cold renders (a new story, then again with its fit on disk) beside the peers'
    one-pass renders of the same copy, one after the other, `pairs` times in this run:
    the medians, and the median of each round's ratio to plain WeasyPrint; the bytes."""
    rounds = []
    for n in range(pairs):
        first, first_peak = cold_render(story, out / "first", out / f"fit{n}")
        cold, peak = cold_render(story, out / "cold", out / f"fit{n}")
        rounds.append((first, first_peak, cold, peak, peers(story, out / "peers")))
    first, first_peak, cold, peak = (median([r[k] for r in rounds]) for k in range(4))
    runs = [
        replace(r, seconds=median([x[4][i].seconds for x in rounds])) if r.seconds else r
        for i, r in enumerate(rounds[-1][4])
    ]
    plain = runs[0]
    ratios = [(r[0] / r[4][0].seconds, r[2] / r[4][0].seconds) for r in rounds]
    pdfs = sorted((out / "cold" / story.stem).glob("*.pdf"))
    prints = [p for p in pdfs if p.name.endswith("-print.pdf")]
    archive = next(p for p in pdfs if p.name.endswith("-archive.pdf"))
    ours = {
        "cold_new_story_s": round(first, 2),
        "cold_render_s": round(cold, 2),
        "cold_ratio_to_plain": round(median([c for _, c in ratios]), 2),
        "cold_new_story_ratio_to_plain": round(median([n for n, _ in ratios]), 2),
        "ratios_per_round (new, cold)": [(round(n, 2), round(c, 2)) for n, c in ratios],
        "peak_rss_mib": round(max(peak, first_peak)),
        "print_pdfs_bytes": sum(p.stat().st_size for p in prints),
        "archive_bytes": archive.stat().st_size,
        "prints_ratio_to_plain": round(sum(p.stat().st_size for p in prints) / plain.pdf_bytes, 2),
        "archive_ratio_to_plain": round(archive.stat().st_size / plain.pdf_bytes, 2),
        "goals": "cold ≤ 1.0× plain, new story ≤ 1.3×; prints ≤ 1.0× plain, archive ≤ 1.2×",
    }
    table = [
        ("newsprint (fit on disk)", cold, peak, prints + [archive]),
        ("newsprint (new story)", first, first_peak, None),
    ]
    rows = [peer_row(*row) for row in table] + [
        peer_row(r.name, r.seconds, r.peak_rss_mib, r) for r in runs
    ]
    bytes_by_kind = {p.name: summary(where_the_bytes_go(p)) for p in [*prints, archive]}
    bytes_by_kind[f"plain WeasyPrint {plain.pages} pages"] = summary(
        where_the_bytes_go(out / "peers" / "peer-weasyprint.pdf")
    )
    typography = json.loads((out / "cold" / story.stem / "manifest.json").read_text("utf-8"))
    return {
        "peers": "\n".join(rows),
        "ours": ours,
        "bytes": "\n".join(f"  {k}: {v}" for k, v in bytes_by_kind.items()),
        "typography": "\n".join(format_report(measure(p, typography["text"])) for p in prints),
    }


def peer_row(name: str, seconds: float | None, peak: float, pdfs) -> str:
    """One line of the peers table: cold time, peak memory, PDF bytes."""
    if seconds is None:
        return f"  {name:26} {pdfs.note}"
    if isinstance(pdfs, PeerRun):
        size = f"{pdfs.pdf_bytes / 1000:.0f} kB ({pdfs.pages} pages, one PDF)"
    elif pdfs:
        sizes = [p.stat().st_size / 1000 for p in pdfs]
        size = f"{sum(sizes[:-1]):.0f} kB print ({' + '.join(f'{s:.0f}' for s in sizes[:-1])}), "
        size += f"{sizes[-1]:.0f} kB archive"
    else:
        size = "same files"
    return f"  {name:26} {seconds:6.2f} s  {peak:5.0f} MiB  {size}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "story", nargs="?", default=str(PROJECT_ROOT / "source" / "000_47b12d432780679e.txt")
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="no clreq cost, no 16/32 pages")
    args = parser.parse_args(argv)
    story = Path(args.story).resolve()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="newsprint-bench-") as tmp:
        figures.update(cold_and_peers(story, Path(tmp)))
        figures["warm_render_s"] = [round(t, 2) for t in warm_render(story, Path(tmp) / "warm")]
    from newsprint.bench.browser import designer_loop
    from newsprint.bench.designer import bench_measure, bench_warm
    from newsprint.bench.makeup import bench_makeup

    figures["makeup_corpus"] = bench_makeup(8 if args.quick else 24)
    figures["designer_loop_browser"] = designer_loop(story)
    figures["designer_warm"] = bench_warm(story)
    figures["remeasure_after_a_token_edit"] = bench_measure(story)
    if not args.quick:
        from newsprint.bench.growth import growth
        from newsprint.bench.typography import bench, format_bench

        figures["clreq_cost"] = clreq_cost(story)
        figures["line_breaking"] = format_bench(bench())
        figures["growth"] = "\n".join(f"  {row}" for row in growth())
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    else:
        for key, value in figures.items():
            if isinstance(value, str) and "\n" in value:
                print(f"{key}:\n{value}")
            else:
                print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
