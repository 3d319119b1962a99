"""The heading words of the stories a render is about to set, cut beside its imports.

rjieba loads its dictionary when it is imported (0.1 s), and a story not set before
needs it before its first layout: compose/headings.py cuts each heading's phrases into
words. render.py asks for them at its start, in a forked child, while it imports
WeasyPrint (cli.run), and hands headings.CUTS the answer. A phrase the child did not
cut is cut when it is asked for, as before. The cuts are kept in .cache/words/, so a
story set before never loads rjieba at all.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from newsprint import caches
from newsprint.config import PROJECT_ROOT

WORDS_KEPT = 20000  # phrases of .cache/words/ kept, the latest (about 1 MB)


def heading_texts(story) -> list[str]:
    """Every text the templates break as a heading (layout/blocks.html.j2): headlines,
    section and testimony titles, speaker lines, the data box's title."""
    texts = []
    for art in story.articles:
        texts.append(art.headline.text)
        for sec in art.sections:
            texts.append(sec.title.text)
            for tes in sec.testimonies:
                texts.append(tes.title.text)
                role = f"（{tes.speaker_role}）" if tes.speaker_role else ""
                texts.append(f"讲述人：{tes.speaker_name}{role}")
    if story.databox:
        texts.append(story.databox.title.text)
    return [t for t in texts if t]


def story_words(paths: list[Path]) -> dict[str, tuple[str, ...]]:
    """rjieba's cuts of the heading phrases of the stories at `paths`, read and
    normalised as a render reads them (headings.cut: a phrase is a heading's text
    between spaces). The cuts made are kept on disk (WORDS_KEPT phrases), so a story
    set before is answered without rjieba."""
    from newsprint.compose import headings
    from newsprint.config import load_config
    from newsprint.story.normalize import normalize
    from newsprint.story.parse import parse_story

    config = load_config()
    phrases: set[str] = set()
    for path in paths:
        story, _ = parse_story(path)
        story, _ = normalize(story, config.normalize_disabled, config.suspect_words)
        for text in heading_texts(story):  # a section title is measured without its
            phrases |= {*text.split(" "), text.replace(" ", "")}  # spaces too
    phrases.discard("")
    known = known_words()
    headings.CUTS.update(known)
    found = {phrase: headings.cut(phrase) for phrase in sorted(phrases)}
    if not phrases <= known.keys():
        keep_words(found, known)
    return found


def known_words() -> dict[str, tuple[str, ...]]:
    """The cuts kept on disk (none when they are off, unreadable or not made yet)."""
    path = words_file()
    try:
        found = pickle.loads(path.read_bytes()) if path else {}
    except Exception:  # noqa: BLE001 - none yet, torn or old: cut afresh
        return {}
    return found if isinstance(found, dict) else {}


def keep_words(cuts: dict, known: dict | None = None) -> None:
    """Add `cuts` to the ones kept on disk (`known`: as read already), the latest
    WORDS_KEPT phrases."""
    path = words_file()
    if path is not None:
        merged = {**(known_words() if known is None else known), **cuts}
        caches.write_whole(path, pickle.dumps(dict(list(merged.items())[-WORDS_KEPT:])))


def words_file() -> Path | None:
    """.cache/words/ (or words/ in NEWSPRINT_FIT_CACHE), a file per rjieba release."""
    from importlib.metadata import version

    where = caches.chosen_folder("words", PROJECT_ROOT / ".cache" / "words")
    return where / f"rjieba-{version('rjieba')}.pickle" if where else None


def stories_named(args: list[str], default: Path) -> list[Path]:
    """The copy files a render command line names (its .txt arguments), or `default`."""
    named = [Path(a) for a in args if a.endswith(".txt") and not a.startswith("-")]
    return [p for p in named if p.is_file()] if named else [default]
