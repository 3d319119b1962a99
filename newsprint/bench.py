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

from .config import PROJECT_ROOT


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
    from .build import build
    from .fonts import font_face_css, load_faces
    from .typeset import Typesetter

    typesetter = Typesetter(font_face_css(load_faces()))
    build(story, out, typesetter=typesetter)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(story, out, typesetter=typesetter)
        times.append(time.perf_counter() - started)
    return times


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
        try:
            from .typography import format_report, measure
        except ImportError:
            pass
        else:
            prints = [p for p in pdfs if p.name.endswith("-print.pdf")]
            figures["typography"] = format_report(measure(prints[0])) if prints else ""
    for name, func in (("clreq", "bench"), ("designer", "bench_warm")):
        try:
            module = __import__(f"newsprint.{name}", fromlist=[func])
            figures[name] = getattr(module, func)()
        except (ImportError, AttributeError):
            continue
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
