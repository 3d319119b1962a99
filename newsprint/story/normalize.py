"""Normalise the copy's text: named, ordered, switchable rules with lint output.

Like autocorrect: each rule has a name, runs in a fixed order, can be switched
off in newsprint.toml ([normalize] disable = […]), and every change it makes is
reported against the source line. Rules fix punctuation and broken paragraphs;
they never change words (suspect words are only reported).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from newsprint.config import CONFIG_PATH
from newsprint.errors import Finding, UserError
from newsprint.story.model import Para, Story

CJK = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_PUNCT_OR_QUOTE = "\u201c\u201d\u2018\u2019\u2014\u2026"
CJK_CLASS = f"[{CJK}{CJK_PUNCT_OR_QUOTE}]"
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
SENTENCE_END = set("。！？…”’」』）》；：!?.")

_PUNCT_RE = re.compile(rf"(?<={CJK_CLASS})\s*([,:;!?])|([,:;!?])\s*(?={CJK_CLASS})")
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_HAS_CJK = re.compile(CJK_CLASS)


@dataclass(frozen=True)
class Rule:
    name: str
    summary: str
    apply: Callable[[str], tuple[str, int]]


def _fullwidth_punctuation(text: str) -> tuple[str, int]:
    """, : ; ! ? touching Chinese become ，：；！？; between digits (1,000; 10:30) they stay."""

    def repl(m: re.Match) -> str:
        return HALF_TO_FULL[m.group(1) or m.group(2)]

    return _PUNCT_RE.subn(repl, text)


def _fullwidth_parentheses(text: str) -> tuple[str, int]:
    """( ) around or beside Chinese become （ ）; (C), (2020) inside Latin text stay."""
    count = 0

    def repl(m: re.Match) -> str:
        nonlocal count
        start, end = m.start(), m.end()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if _HAS_CJK.search(m.group(1)) or _HAS_CJK.match(before) or _HAS_CJK.match(after):
            count += 1
            return f"（{m.group(1)}）"
        return m.group(0)

    return _PAREN_RE.sub(repl, text), count


RULES: list[Rule] = [
    Rule("fullwidth-punctuation", "half-width , : ; ! ? in Chinese text", _fullwidth_punctuation),
    Rule("fullwidth-parentheses", "half-width ( ) around Chinese text", _fullwidth_parentheses),
]
PARAGRAPH_RULE = "rejoin-broken-paragraphs"
SUSPECT_RULE = "suspect-words"
ALL_RULE_NAMES = [r.name for r in RULES] + [PARAGRAPH_RULE, SUSPECT_RULE]


def _paragraph_lists(story: Story):
    """Every list of consecutive body paragraphs, where a break may be spurious."""
    for art in story.articles:
        yield art.lead
        if art.note:
            yield art.note.paragraphs
        for sec in art.sections:
            yield sec.paragraphs
            for tes in sec.testimonies:
                yield tes.paragraphs


def _is_broken(first: Para, second: Para) -> bool:
    """A paragraph ending mid-sentence (no closing punctuation) continues in the next."""
    last = first.text.rstrip()[-1:]
    return bool(last) and last not in SENTENCE_END and not first.unplaced and not second.unplaced


def rejoin(paragraphs: list[Para], source: str) -> list[Finding]:
    findings = []
    i = 0
    while i + 1 < len(paragraphs):
        first, second = paragraphs[i], paragraphs[i + 1]
        if _is_broken(first, second):
            findings.append(
                Finding(
                    "note",
                    f"rejoined a paragraph broken mid-sentence: “…{first.text[-6:]}” + "
                    f"“{second.text[:6]}…” (line {second.line})",
                    source,
                    first.line,
                    PARAGRAPH_RULE,
                )
            )
            paragraphs[i] = Para(first.text + second.text, first.line)
            del paragraphs[i + 1]
        else:
            i += 1
    return findings


def normalize(
    story: Story, disabled: frozenset[str] = frozenset(), suspect: dict[str, str] | None = None
) -> tuple[Story, list[Finding]]:
    """Return a normalised copy of the story and what was changed or is suspect."""
    unknown = disabled - set(ALL_RULE_NAMES)
    if unknown:
        raise UserError(
            f"{CONFIG_PATH} [normalize] disable: unknown rule(s) {sorted(unknown)}; "
            f"known: {', '.join(ALL_RULE_NAMES)}"
        )
    story = copy.deepcopy(story)
    findings: list[Finding] = []
    if PARAGRAPH_RULE not in disabled:
        for paragraphs in _paragraph_lists(story):
            findings += rejoin(paragraphs, story.source)
    paras = list(story.paragraphs())
    for rule in RULES:
        if rule.name in disabled:
            continue
        for para in paras:
            para.text, count = rule.apply(para.text)
            if count:
                findings.append(
                    Finding(
                        "note", f"{rule.summary}: {count} fixed", story.source, para.line, rule.name
                    )
                )
    for art in story.articles:
        for sec in art.sections:
            for tes in sec.testimonies:
                tes.speaker_role, _ = _fullwidth_punctuation(tes.speaker_role)
    if SUSPECT_RULE not in disabled:
        for para in paras:
            for word, likely in (suspect or {}).items():
                if word in para.text:
                    findings.append(
                        Finding(
                            "warning",
                            f"“{word}”: did the writer mean “{likely}”? (left as written)",
                            story.source,
                            para.line,
                            SUSPECT_RULE,
                        )
                    )
    return story, findings
