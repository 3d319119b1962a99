"""`make bench`: the page make-up over the generated corpus (issue 10's figures).

Each story of the corpus (newsprint/bench/corpus.py: 0.4–2× the seed's length, with and
without note, photo, data box and second or third article) is rendered on the fewest
pages its length suggests, or else on the page count the make-up's message names (as
the desk would: render.py --pages N). It either makes up, and the page report measures
it, or it is refused with the make-up's cut/add message. The figures: the share made
up, the share refused with a message, the worst foot gap, the holes and the modules that
are not filled rectangles on whole lines (from each page's module map) of the made-up
pages, and the seconds per story.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from newsprint.bench.corpus import spec_for, write_story

STORIES = 24


def pages_for(scale: float) -> int:
    """The seed fills two 对开 pages: a story of `scale` its length, about that many."""
    return max(1, round(2 * scale))


def _build(build, failed_type, path, folder, spec, config, typesetter):
    """The story on the pages its length suggests, else on the page count the make-up's
    message names (render.py --pages N), as the desk would."""
    kw = {"config": config, "typesetter": typesetter, "archive": False, "typography": False}
    try:
        return build(path, folder / "out", pages=pages_for(spec.scale), **kw)
    except failed_type as failed:
        named = [re.search(r"--pages (\d+)", f.message) for f in failed.findings]
        named = [int(m[1]) for m in named if m]
        if not named:
            raise
        return build(path, folder / "out", pages=named[0], **kw)


def bench_makeup(stories: int = STORIES) -> dict:
    from newsprint.build import BuildFailed, build, session_css
    from newsprint.config import load_config
    from newsprint.preflight.page import measure_page_report
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    typesetter = Typesetter(session_css(config))
    made, refused, other, gaps, holes, seconds = 0, 0, [], [], 0, []
    modules = breaches = 0
    with tempfile.TemporaryDirectory(prefix="newsprint-makeup-") as tmp:
        folder = Path(tmp)
        for seed in range(stories):
            spec = spec_for(seed)
            path = write_story(spec, folder / "copy")
            started = time.perf_counter()
            try:
                result = _build(build, BuildFailed, path, folder, spec, config, typesetter)
            except BuildFailed as failed:
                rules = {f.rule for f in failed.findings if f.level == "error"}
                if rules and all(r.startswith("makeup") or r == "empty-page" for r in rules):
                    refused += 1
                else:
                    other.append((spec.name, sorted(rules)))
            else:
                made += 1
                for pdf in result.print_pdfs:
                    report = measure_page_report(pdf)
                    gaps.append(report.worst_foot_gap)
                    holes += len(report.holes)
                    modules += len(report.modules)
                    breaches += report.breaches
            seconds.append(time.perf_counter() - started)
    return {
        "stories": stories,
        "made_up": made,
        "refused_with_cut_or_add": refused,
        "failed_otherwise": other,
        "worst_foot_gap_lines": max(gaps, default=None),
        "holes": holes,
        "modules_checked": modules,
        "modules_not_rectangles_or_unfilled": breaches,
        "seconds_per_story": round(sum(seconds) / max(len(seconds), 1), 1),
        "slowest_s": round(max(seconds, default=0), 1),
    }
