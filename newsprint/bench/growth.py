"""Cost growth (`make bench`): editions of 16 and 32 pages, wall time and peak memory.

An edition is that many two-page stories of the corpus (bench/corpus.py: two
articles, note, photo frame, data box, 0.9× the seed's copy), rendered one after the
other by one `render.py` worker (one Typesetter, faces loaded once), each with every
output, the fit cache off (every story is new). Time should grow linearly with the
pages and the worker's peak memory stay flat. A story the fit cannot set still costs
its layout; the figures say how many went to print.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from newsprint.bench.corpus import Spec, write_story
from newsprint.bench.peers import timed_run
from newsprint.config import PROJECT_ROOT

PAGES_PER_STORY = 2


def edition(stories: int, folder: Path) -> list[Path]:
    """`stories` corpus stories of two pages each (the same seeds every run)."""
    return [
        write_story(Spec(seed, 0.9, 2, True, True, True), folder) for seed in range(1, stories + 1)
    ]


def render_edition(pages: int, folder: Path) -> dict:
    stories = edition(pages // PAGES_PER_STORY, folder / "copy")
    out = folder / "out"
    args = [sys.executable, str(PROJECT_ROOT / "render.py"), *map(str, stories), "--out", str(out)]
    env = {**os.environ, "NEWSPRINT_FIT_CACHE": "off"}
    seconds, peak, _code = timed_run(args, folder, check=False, env=env)
    printed = sum(1 for s in stories if (out / s.stem / "manifest.json").is_file())
    return {
        "pages": pages,
        "stories": len(stories),
        "printed": printed,
        "wall_s": round(seconds, 1),
        "s_per_page": round(seconds / pages, 2),
        "peak_rss_mib": round(peak),
    }


def growth(page_counts=(16, 32)) -> list[dict]:
    rows = []
    for pages in page_counts:
        with tempfile.TemporaryDirectory(prefix=f"newsprint-growth-{pages}-") as tmp:
            rows.append(render_edition(pages, Path(tmp)))
    return rows
