"""The element ids of a composed spread: the contract between the templates and the code.

The fit stage finds where things landed by id (WeasyPrint's Page.anchors), so the
templates take every measured id from here (`ids.…` in layout/) and the code reads
them back through the same functions and prefixes, never retyping them.
"""

from __future__ import annotations

from newsprint.story.model import Section, Testimony

PHOTO = "photo"
PHOTO_FRAME = "photo-frame"  # the picture's box inside PHOTO, without its caption
DATABOX = "databox"
PAGE_PREFIX = "page-"  # pages, and each page's foot marker
HEAD_PREFIX = "head-"
NOTE_PREFIX = "note-"
FLOW_PREFIX = "flow-"
NOTE_BODY_PREFIX = "note-body-"
SECTION_PREFIX = "section-"
TESTIMONY_PREFIX = "testimony-"


def page(index: int) -> str:
    """A page of the spread (0-based position)."""
    return f"{PAGE_PREFIX}{index + 1}"


def page_end(index: int) -> str:
    """The empty marker after a page's last module: where its copy ended."""
    return end_of(page(index))


def end_of(page_id: str) -> str:
    return f"{page_id}-end"


def head(article: int) -> str:
    """An article's headline block (0-based article number)."""
    return f"{HEAD_PREFIX}{article + 1}"


def note(article: int) -> str:
    return f"{NOTE_PREFIX}{article + 1}"


def note_body(article: int) -> str:
    """The editor's note's column flow."""
    return f"{NOTE_BODY_PREFIX}{article + 1}"


def flow(page_index: int, article: int) -> str:
    """An article's column flow on one page."""
    return f"{FLOW_PREFIX}{page_index + 1}-{article + 1}"


def section(sec: Section) -> str:
    """By the title's line, not its number: numbers restart in each article."""
    return f"{SECTION_PREFIX}{sec.title.line}"


def testimony(tes: Testimony) -> str:
    return f"{TESTIMONY_PREFIX}{tes.title.line}"
