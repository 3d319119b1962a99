"""Chinese character classes and line-break rules (W3C clreq), defined once.

newsprint.clreq sets text by them and newsprint.typography checks PDFs by them, so
the two can never disagree on what a prohibited line start or a Han–Latin pair is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from itertools import pairwise

NO_START = frozenset("、，。．：；！？’”）》〉】」』〕〗〙〛｝］…‥·・々％‰℃°,.:;!?)]}%")
NO_END = frozenset("“‘（《〈【「『〔〖〘〚｛［([{")
OPENING = frozenset("“‘（《〈【「『〔〖〘〚｛［")
CLOSING = frozenset("、，。．：；！？”’）》〉】」』〕〗〙〛｝］")
INSEPARABLE = frozenset("—…")
PUNCT = OPENING | CLOSING | INSEPARABLE | frozenset("·・")
# Loose lines (issue 11): the widest gap between two Han characters on a justified line
# with MIN_OPPORTUNITIES places to break or more, and on any line.
LOOSE_EM = 0.15
MAX_GAP_EM = 0.25
MIN_OPPORTUNITIES = 4
LOOSE_TOLERANCE = 0.005  # a PDF's positions are exact to a few thousandths of an em
TIGHT_EM = 0.025
"""Tight lines (紧排): how far a gap between two CJK characters may close up, in em.

A line is set this much tight per gap only where every breaking of its paragraph
leaves a line over the loose limits: half the side bearing a Han glyph keeps (about
0.05 em a side), below what a reader sees at text sizes, and clreq's last lever
after the marks' blank halves. The typography report's `tight-lines` rule holds
every gap between two Han characters to it."""
CJK_RE = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


def is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
        or code == 0x3007
    )


@cache
def is_cjk(char: str) -> bool:
    """Han, kana, CJK and full-width punctuation, and the marks Chinese shares with Latin."""
    return bool(CJK_RE.match(char)) or char in PUNCT


@cache
def is_latin(char: str) -> bool:
    """Letters and digits that take a ¼ em gap next to Han (CSS text-autospace)."""
    return (
        char.isalnum()
        and not is_cjk(char)
        and unicodedata.category(char) in ("Lu", "Ll", "Lt", "Lm", "Nd")
    )


@cache
def is_body(char: str) -> bool:
    """A character that counts for 孤字: anything but punctuation and spaces."""
    return not char.isspace() and char not in PUNCT and unicodedata.category(char)[0] != "P"


def break_allowed(a: str, b: str, pango_ok: bool) -> bool:
    """May a line break between characters a and b? (clreq kinsoku over UAX #14)."""
    if b in NO_START or a in NO_END or (a == b and a in INSEPARABLE):
        return False
    if a.isdigit() and is_han(b):  # 2020年, 34条
        return False
    if a.isspace() or b.isspace() or not (is_cjk(a) or is_cjk(b)):
        return pango_ok
    return True


def han_latin(a: str, b: str) -> bool:
    return (is_han(a) and is_latin(b)) or (is_latin(a) and is_han(b))


def opportunities(text: str) -> int:
    """Where a line could have been broken (kinsoku over UAX #14, as clreq breaks)."""
    return sum(
        break_allowed(a, b, a == " " or b == " " or not (is_latin(a) and is_latin(b)))
        for a, b in pairwise(text)
    )


def gap_limit(text: str) -> float:
    """The widest gap (em) between two Han characters a justified line may show: a line
    with room to break elsewhere is held to LOOSE_EM, one that has none to MAX_GAP_EM."""
    return LOOSE_EM if opportunities(text) >= MIN_OPPORTUNITIES else MAX_GAP_EM


def is_loose(worst_em: float, text: str) -> bool:
    """Is a justified line whose widest Han–Han gap is worst_em loose? The typography
    report (on the PDF) and the make-up (on the layout) judge lines by this alone."""
    return worst_em > gap_limit(text) + LOOSE_TOLERANCE
