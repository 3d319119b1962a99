"""The story model: what the desk copy means, independent of how it is laid out.

Every piece of text keeps the source line it came from, so that checks (fonts,
fit, typography) can point the desk at the copy, not at generated HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Para:
    """A paragraph (or heading text) and the line of the copy where it starts."""

    text: str
    line: int
    unplaced: bool = False  # copy the parser could not give a role: kept as body text


@dataclass
class Testimony:
    """一线见证: a witness's account, set as a quote block with the speaker line."""

    title: Para
    speaker_name: str = ""
    speaker_role: str = ""
    speaker_line: int = 0
    paragraphs: list[Para] = field(default_factory=list)


@dataclass
class Section:
    """A numbered section (### 1. 看…): heading, 报告解读 text, testimonies."""

    number: str
    title: Para
    label: Para | None = None  # e.g. 报告解读
    paragraphs: list[Para] = field(default_factory=list)
    testimonies: list[Testimony] = field(default_factory=list)


@dataclass
class Note:
    """编者按: the editor's note, label and paragraphs."""

    label: Para
    paragraphs: list[Para] = field(default_factory=list)


@dataclass
class Article:
    """One article of the spread with its own headline block."""

    headline: Para
    kicker: Para | None = None  # 引题
    deck: Para | None = None  # 副题, starts with ——
    label: Para | None = None  # e.g. 回顾这五年 above a second headline
    bylines: list[str] = field(default_factory=list)
    byline_line: int = 0
    note: Note | None = None
    lead: list[Para] = field(default_factory=list)  # body text before any section
    sections: list[Section] = field(default_factory=list)


@dataclass
class DataBox:
    """数读成绩单: a titled list of figures."""

    title: Para
    items: list[Para] = field(default_factory=list)


@dataclass
class Photo:
    """The photo frame: caption, credit and the picture file if the desk has one."""

    caption: Para
    credit: str = ""
    file: str = ""  # path relative to the story's folder; "" when none is named


@dataclass
class Story:
    source: str  # path of the copy, as the desk named it
    articles: list[Article] = field(default_factory=list)
    databox: DataBox | None = None
    photo: Photo | None = None

    def paragraphs(self):
        """Every Para in reading order: for coverage checks and text round trips."""
        for art in self.articles:
            yield from (p for p in (art.kicker, art.label, art.headline, art.deck) if p)
            if art.note:
                yield art.note.label
                yield from art.note.paragraphs
            yield from art.lead
            for sec in art.sections:
                yield sec.title
                if sec.label:
                    yield sec.label
                yield from sec.paragraphs
                for tes in sec.testimonies:
                    yield tes.title
                    yield from tes.paragraphs
        if self.databox:
            yield self.databox.title
            yield from self.databox.items
        if self.photo:
            yield self.photo.caption

    def speakers(self) -> list[str]:
        names = []
        for art in self.articles:
            for sec in art.sections:
                for tes in sec.testimonies:
                    if tes.speaker_name and tes.speaker_name not in names:
                        names.append(tes.speaker_name)
        return names
