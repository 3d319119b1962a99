"""The element ids of a composed spread: the contract between the templates and the code.

The fit stage finds where things landed by id (WeasyPrint's Page.anchors), so the
templates take every measured id from here (`ids.…` in layout/) and the code reads
them back through the same functions and prefixes, never retyping them.
"""

from __future__ import annotations

from newsprint.story.model import Testimony

PHOTO = "photo"
PHOTO_FRAME = "photo-frame"  # the picture's box inside PHOTO, without its caption
DATABOX = "databox"
PAGE_PREFIX = "page-"
HEAD_PREFIX = "head-"
NOTE_PREFIX = "note-"
NOTE_BODY_PREFIX = "note-body-"
TESTIMONY_PREFIX = "testimony-"
MODULE_PREFIX = "module-"


def page(index: int) -> str:
    """A page of the spread (0-based position)."""
    return f"{PAGE_PREFIX}{index + 1}"


def head(article: int) -> str:
    """An article's headline block (0-based article number)."""
    return f"{HEAD_PREFIX}{article + 1}"


def note(article: int) -> str:
    return f"{NOTE_PREFIX}{article + 1}"


def note_body(article: int) -> str:
    """The editor's note's column flow."""
    return f"{NOTE_BODY_PREFIX}{article + 1}"


def module(number: int) -> str:
    """A placed module of the make-up, numbered through the spread (0-based)."""
    return f"{MODULE_PREFIX}{number}"


def testimony(tes: Testimony) -> str:
    return f"{TESTIMONY_PREFIX}{tes.title.line}"
