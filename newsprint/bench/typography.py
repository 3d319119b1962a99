"""`make bench`: the typography report per role, line breaking first-fit against total fit.

The seed, two stories of the hard cases of issue 11 (corpus.typography_copy) and two
stories of the generated corpus (Spec 200 and 201: two articles, the note, the data
box, the hard cases; sample copy puts a number and its unit every few characters) are
rendered both ways in one process, with the time each takes: the figures that matter
are compared within one run (the machines are shared and noisy). Each story's line
sums up its loose lines over every role.

Total fit before and after the marks compressed to half width mid-line (beside a
compressed pair too, and an opening mark at a paragraph's indent) and each line judged
by its own limit (issue 11's second pass), loose lines / worst gap as `render.py` sets
the stories: seed 0 / 0.14 em both; hard1 14 / 0.31 → 6 / 0.27; hard2 15 / 0.27 →
3 / 0.26; corpus 200 70 / 1.38 → 20 / 1.38; corpus 201 22 / 0.80 → 6 / 0.43. With
tight lines (hanzi.TIGHT_EM), where every breaking leaves a line over the limits:
hard1 4 / 0.27 both; hard2 3 / 0.26 → 2 / 0.21; corpus 200 (on three pages) 21 / 1.38
→ 17 / 0.85, 3 lines tight (on its edition's two pages, since the make-up's memo fix:
20 / 0.45); corpus 201 6 / 0.43 both; the seed sets none tight. What is left no breaking
avoids (README, Known limits). With the make-up choosing each box's setting (a
testimony's size, the note's columns, the data box's cards) by the loose lines it sets
(compose/atoms.LOOSE_LINE, each line by the square of how far over its limit): corpus
200 on two pages 20 / 0.45 → 7 / 0.45 (by the plain ratio, 4 / 0.77: two boxes took a
0.77 em line in 小五 to spare 五号's two or three of up to 0.45 em); corpus 201 6 / 0.43
→ 3 / 0.23; hard1 4 / 0.27 → 1 / 0.22; hard2 2 / 0.21 both. With a testimony loose at
every size set in one column across its box (measures.wide_items): corpus 200 0 loose
(worst 0.20 em), 201 0 (0.14 em), hard1 0 (0.14 em), hard2 1 (0.20 em, body text); the
seed 0 / 0.14, its make-up unchanged.
"""

from __future__ import annotations

import json
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from newsprint.bench.corpus import Spec, typography_copy, write_story
from newsprint.config import DEFAULT_STORY


@contextmanager
def strategy(name: str):
    from newsprint.clreq import linebreak

    saved, linebreak.STRATEGY[0] = linebreak.STRATEGY[0], name
    try:
        yield
    finally:
        linebreak.STRATEGY[0] = saved


# The hard stories fill one page with the photo (a placeholder) taking what is left.
CAPTION = "\n\n荷塘区红旗商圈全景图（杨淑如摄）\n"
# Story 200 on its edition's two pages, story 201 on the one page its length fills.
CORPUS = ((Spec(200, 2.0, 2, True, True, True), 2), (Spec(201, 0.5, 1, True, True, True), 1))


def _stories(folder: Path) -> list[tuple[Path, int | None]]:
    """(copy, pages) of the seed, the hard stories (one page each) and the corpus's."""
    stories = [(DEFAULT_STORY, None)]
    edition = DEFAULT_STORY.with_name(DEFAULT_STORY.stem + ".edition.toml")
    for seed in (1, 2):
        path = folder / f"hard{seed}.txt"
        path.write_text(typography_copy(seed) + CAPTION, encoding="utf-8")
        path.with_name(f"hard{seed}.edition.toml").write_bytes(edition.read_bytes())
        stories.append((path, 1))
    stories += [(write_story(spec, folder), pages) for spec, pages in CORPUS]
    return stories


def _figures(result) -> dict:
    from newsprint.preflight.typography import measure

    text = json.loads(result.manifest.read_text(encoding="utf-8"))["text"]
    roles: dict[str, dict] = {}
    for pdf in result.print_pdfs:
        for name, role in measure(pdf, text).roles.roles.items():
            if not role.justified:
                continue
            row = roles.setdefault(
                name, {"justified": 0, "loose": 0, "worst_em": 0.0, "tight": 0, "tightest_em": 0.0}
            )
            row["justified"] += role.justified
            row["loose"] += role.loose
            row["worst_em"] = max(row["worst_em"], role.worst_gap_em)
            row["letter_spaced"] = row.get("letter_spaced", 0) + role.letter_spaced
            row["tight"] += role.tightened
            row["tightest_em"] = min(row["tightest_em"], role.tightest_gap_em)
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
        roles = value["roles"].values()
        loose, justified = sum(r["loose"] for r in roles), sum(r["justified"] for r in roles)
        worst = max((r["worst_em"] for r in roles), default=0.0)
        tight = sum(r["tight"] for r in roles)
        rows.append(
            f"  {key}: {value['render_s']} s, loose {loose}/{justified}, worst {worst:.2f} em, "
            f"tight {tight}"
        )
        for role, row in sorted(value["roles"].items()):
            rows.append(
                f"    {role}: loose {row['loose']}/{row['justified']}, "
                f"worst {row['worst_em']:.2f} em, tight {row['tight']} "
                f"(tightest {row['tightest_em']:.3f} em), letter-spaced {row['letter_spaced']}"
            )
    return "\n".join(rows)
