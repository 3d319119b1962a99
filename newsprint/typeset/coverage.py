"""Font coverage, checked before layout: every character of the copy must be in
every face of the role that sets it. A character no face has would cost a slow
fallback search and print as tofu; the desk is told its line instead."""

from __future__ import annotations

import unicodedata

from newsprint.errors import Finding
from newsprint.story.edition import Edition
from newsprint.story.model import Para, Story
from newsprint.typeset.fonts import Face, cmap_of

IGNORABLE = {0x20, 0xA0, 0x3000, 0x200B, 0xFEFF, 0x0A}


def roles_of(story: Story) -> list[tuple[str, Para]]:
    """(font role, paragraph) for every text of the story, as the templates set them."""
    out: list[tuple[str, Para]] = []
    for art in story.articles:
        for p in (art.kicker, art.label, art.headline):
            if p:
                out.append(("headline", p))
        if art.deck:
            out.append(("kai", art.deck))
        if art.bylines:
            out.append(("headline", Para(" ".join(art.bylines), art.byline_line)))
        if art.note:
            out.append(("headline", art.note.label))
            out += [("kai", p) for p in art.note.paragraphs]
        out += [("body", p) for p in art.lead]
        for sec in art.sections:
            out.append(("headline", sec.title))
            if sec.label:
                out.append(("headline", sec.label))
            out += [("body", p) for p in sec.paragraphs]
            for tes in sec.testimonies:
                out.append(("headline", tes.title))
                speaker = f"讲述人：{tes.speaker_name}（{tes.speaker_role}）"
                out.append(("headline", Para(speaker, tes.speaker_line)))
                out += [("kai", p) for p in tes.paragraphs]
    if story.databox:
        out.append(("headline", story.databox.title))
        out += [("kai", p) for p in story.databox.items]
    if story.photo:
        out.append(
            (
                "headline",
                Para(story.photo.caption.text + story.photo.credit, story.photo.caption.line),
            )
        )
    return out


def setting(cmaps: list[tuple[Face, frozenset[int]]], code: int):
    """The faces of a role that set a character: those whose unicode_range holds it, if
    any (all weights of that range), else the role's unranged faces."""
    ranged = [(f, c) for f, c in cmaps if f.codepoints is not None and code in f.codepoints]
    return ranged or [(f, c) for f, c in cmaps if f.codepoints is None]


def check_coverage(
    story: Story, edition: Edition, faces: dict[str, Face], roles: dict[str, list[str]]
) -> list[Finding]:
    """Every character must be in every face of the role that sets it (all weights); a
    ranged face (fonts.toml unicode_range) is checked for its characters only."""
    findings = []
    texts = roles_of(story)
    head = [
        edition.paper,
        edition.date_cn,
        "星期" + edition.weekday_cn,
        *edition.credits,
        *edition.credits.values(),
        *(s.section for s in edition.pages),
    ]
    texts += [("headline", Para(t, 0)) for t in head]
    reported: set[tuple[str, str]] = set()
    for role, para in texts:
        cmaps = [(faces[f], cmap_of(faces[f].path)) for f in roles[role]]
        for char in para.text:
            code = ord(char)
            if code in IGNORABLE:
                continue
            lacking = [
                face
                for face, cmap in setting(cmaps, code)
                if code not in cmap and (char, face.id) not in reported
            ]
            if not lacking:
                continue
            reported.update((char, face.id) for face in lacking)
            names = ", ".join(f"{f.family} {f.weight} ({f.id})" for f in lacking)
            fonts, sets = ("font", "sets") if len(lacking) == 1 else ("fonts", "set")
            findings.append(
                Finding(
                    "error",
                    f"character “{char}” (U+{code:04X} {unicodedata.name(char, 'unnamed')}) is "
                    f"not in the {fonts} {names} that {sets} the {role} text; replace it in "
                    "the copy or add a face that has it to fonts/fonts.toml",
                    story.source if para.line else edition.path,
                    para.line,
                    "font-coverage",
                )
            )
    return findings
