"""`make bench`: how long the seed takes and what it costs, printed for people.

Timings live here, never in tests: the machines are shared and noisy, so the
figures that matter are compared within one run (ratios), not against constants.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsprint.config import PROJECT_ROOT
from newsprint.preflight.typography import format_report, measure


def cold_render(story: Path, out: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of `python render.py STORY` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "render.py"), str(story), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    return elapsed, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


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
    WeasyPrint layout passes alone (what clreq changes) are both timed.
    """
    from newsprint import clreq
    from newsprint.build import lay_out, session_css
    from newsprint.compose.html import template_env
    from newsprint.compose.plan import plan_pages
    from newsprint.config import load_config
    from newsprint.story.edition import load_edition
    from newsprint.story.normalize import normalize
    from newsprint.story.parse import parse_story
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    story_model, _ = parse_story(story)
    story_model, _ = normalize(story_model)
    edition = load_edition(story, config.paper_name, config.default_format)
    fmt = config.page_format(edition.format)
    env = template_env(fmt, config)
    typesetter = Typesetter(session_css(config))
    typesetter.fit_cache = None  # time the full fit, every run

    def best() -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            plan = plan_pages(story_model, edition)
            lay_out(story_model, edition, plan, fmt, "", typesetter, env, config.photo_lines)
            times.append(time.perf_counter() - started)
        return min(times)

    def best_render() -> float:
        from newsprint.build import build

        with tempfile.TemporaryDirectory() as tmp:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                build(story, Path(tmp), typesetter=typesetter)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "story", nargs="?", default=str(PROJECT_ROOT / "source" / "000_47b12d432780679e.txt")
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    story = Path(args.story)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cold, peak_kib = cold_render(story, out / "cold")
        warm = warm_render(story, out / "warm")
        pdfs = sorted((out / "cold" / story.stem).glob("*.pdf"))
        figures.update(
            {
                "cold_render_s": round(cold, 2),
                "warm_render_s": [round(t, 2) for t in warm],
                "peak_rss_mib": round(peak_kib / 1024, 1),
                "pdf_bytes": {p.name: p.stat().st_size for p in pdfs},
            }
        )
        prints = [p for p in pdfs if p.name.endswith("-print.pdf")]
        text = json.loads((out / "cold" / story.stem / "manifest.json").read_text("utf-8"))
        figures["typography"] = "\n".join(format_report(measure(p, text["text"])) for p in prints)
    figures["clreq_cost"] = clreq_cost(story)
    from newsprint.bench.typography import bench, format_bench

    figures["line_breaking"] = format_bench(bench())
    from newsprint.bench.designer import bench_warm

    figures["designer_warm"] = bench_warm(story)
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
