"""`make bench`: the typography report per role, line breaking first-fit against total fit.

The seed and two stories of the hard cases of issue 11 (corpus.typography_copy) are
rendered both ways in one process, with the time each takes: the figures that matter
are compared within one run (the machines are shared and noisy).
"""

from __future__ import annotations

import json
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from newsprint.bench.corpus import typography_copy
from newsprint.config import DEFAULT_STORY


@contextmanager
def strategy(name: str):
    from newsprint.clreq import linebreak

    saved, linebreak.STRATEGY[0] = linebreak.STRATEGY[0], name
    try:
        yield
    finally:
        linebreak.STRATEGY[0] = saved


def _stories(folder: Path) -> list[tuple[Path, int | None]]:
    """(copy, pages) of the seed and the hard stories (one page each)."""
    stories = [(DEFAULT_STORY, None)]
    edition = DEFAULT_STORY.with_name(DEFAULT_STORY.stem + ".edition.toml")
    for seed in (1, 2):
        path = folder / f"hard{seed}.txt"
        path.write_text(typography_copy(seed), encoding="utf-8")
        path.with_name(f"hard{seed}.edition.toml").write_bytes(edition.read_bytes())
        stories.append((path, 1))
    return stories


def _figures(result) -> dict:
    from newsprint.preflight.typography import measure

    text = json.loads(result.manifest.read_text(encoding="utf-8"))["text"]
    roles: dict[str, dict] = {}
    for pdf in result.print_pdfs:
        for name, role in measure(pdf, text).roles.roles.items():
            if not role.justified:
                continue
            row = roles.setdefault(name, {"justified": 0, "loose": 0, "worst_em": 0.0})
            row["justified"] += role.justified
            row["loose"] += role.loose
            row["worst_em"] = max(row["worst_em"], role.worst_gap_em)
            row["letter_spaced"] = row.get("letter_spaced", 0) + role.letter_spaced
    return roles


def bench() -> dict:
    """Per story and strategy: seconds for the render and the figures of each role."""
    from newsprint.build import BuildFailed, build, session_css
    from newsprint.config import load_config
    from newsprint.typeset.typesetter import Typesetter

    out: dict = {}
    # measured, not judged: first-fit breaks rules a render would stop on
    config = replace(load_config(), typography_errors=frozenset())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for story, pages in _stories(folder):
            for name in ("first-fit", "total-fit"):
                typesetter = Typesetter(session_css(config))
                typesetter.fit_cache = None
                with strategy(name):
                    started = time.perf_counter()
                    try:
                        result = build(
                            story, folder / name, pages=pages, typesetter=typesetter, config=config
                        )
                    except BuildFailed as failed:
                        out[f"{story.stem} {name}"] = f"failed: {failed}"
                        continue
                    seconds = round(time.perf_counter() - started, 2)
                out[f"{story.stem} {name}"] = {"render_s": seconds, "roles": _figures(result)}
    return out


def format_bench(figures: dict) -> str:
    rows = []
    for key, value in figures.items():
        if isinstance(value, str):
            rows.append(f"  {key}: {value}")
            continue
        rows.append(f"  {key}: {value['render_s']} s")
        for role, row in sorted(value["roles"].items()):
            rows.append(
                f"    {role}: loose {row['loose']}/{row['justified']}, "
                f"worst {row['worst_em']:.2f} em, letter-spaced {row['letter_spaced']}"
            )
    return "\n".join(rows)
