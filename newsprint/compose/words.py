"""The heading words of the stories a render is about to set, cut beside its imports.

rjieba loads its dictionary when it is imported (0.1 s), and a story not set before
needs it before its first layout: compose/headings.py cuts each heading's phrases into
words. render.py asks for them at its start, in a forked child, while it imports
WeasyPrint (cli.run), and hands headings.CUTS the answer. A phrase the child did not
cut is cut when it is asked for, as before; a known story's cuts come from disk.
"""

from __future__ import annotations

from pathlib import Path


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
    between spaces)."""
    from newsprint.compose import headings
    from newsprint.config import load_config
    from newsprint.story.normalize import normalize
    from newsprint.story.parse import parse_story

    config = load_config()
    for path in paths:
        story, _ = parse_story(path)
        story, _ = normalize(story, config.normalize_disabled, config.suspect_words)
        for text in heading_texts(story):  # a section title is measured without its
            for phrase in {*text.split(" "), text.replace(" ", "")}:  # spaces too
                if phrase:
                    headings.cut(phrase)
    return dict(headings.CUTS)


def stories_named(args: list[str], default: Path) -> list[Path]:
    """The copy files a render command line names (its .txt arguments), or `default`."""
    named = [Path(a) for a in args if a.endswith(".txt") and not a.startswith("-")]
    return [p for p in named if p.is_file()] if named else [default]
