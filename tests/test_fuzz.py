"""Property-based tests (hypothesis): any copy, text and edition file parses or is a UserError.

The desk's mistakes are endless; these draw arbitrary Unicode, Markdown made of the
copy's own markers and TOML made of the edition file's own keys. Each input must either
give a result or raise UserError with a message naming the file (and line where there is
one); any other exception is a bug. `make test` runs a few examples of each, `make fuzz`
many (the profiles are in conftest.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsprint.errors import UserError
from newsprint.story.edition import load_edition
from newsprint.story.normalize import ALL_RULE_NAMES, normalize
from newsprint.story.parse import parse_story, parse_text

SOURCE = "fuzz.txt"
# Pieces of desk copy: the markers of docs/COPY_FORMAT.md, Markdown around them, Chinese.
# fmt: off
MARKERS = [
    "# ", "## ", "### ", "#### ", "###### ", "#", "——", "- ", "* ", "1. ", "> ", "    ",
    "---", "===", "***", "```", "~~~", "<div>", "</div>", "<!-- ", "**", "*", "_", "`",
    "[链接](http://x)", "![图](a.png)", "\\*", "&amp;", "&#0;", "|a|b|", "编者按", "编后",
    "一线见证 ", "讲述人:张明(村支书)", "讲述人：", "报告解读", "1. 标题", "12、", "3．",
    "本报记者 张明", "张明 李华", "说明(某某摄)", "（新华社摄）", "荷塘区召开第六次党代会",
    "，", "。", ",", ":", ";", "!", "?", "(", ")", "（", "）", "“", "”", "…", "\u3000",
    "\t", "\r", "\n", "\n\n", "\u200b", "\ufeff", "\x00", "\x0b", "\u2028",
]
# fmt: on
copy_text = st.lists(st.one_of(st.sampled_from(MARKERS), st.text(max_size=12)), max_size=40).map(
    "".join
)
# The parser keeps odd copy as body text with a warning; what it refuses names the copy.
PARSE_ERRORS = re.compile(r"^fuzz\.txt: ")


def line_count(text: str) -> int:
    """Lines as Markdown counts them (CR, LF or CRLF), as the findings number them."""
    return len(re.split(r"\r\n?|\n", text))


def check_findings(findings, source: str, lines: int) -> None:
    for f in findings:
        assert f.message and f.level in ("error", "warning", "note"), f
        assert f.path == source and 0 <= f.line <= lines + 1, f


@given(copy_text)
@example("### 一线见证 ")  # once an AttributeError: a testimony before any headline
@example("## 标题\n\n正文。\n\n### 1. 一\n\n#### 报告解读\n\n- 一\n- 二\n")
def test_any_copy_parses_or_is_a_user_error(text):
    try:
        story, findings = parse_text(text, SOURCE)
    except UserError as exc:
        assert PARSE_ERRORS.match(str(exc)), exc
        return
    assert story.articles
    check_findings(findings, SOURCE, line_count(text))


@given(st.binary(max_size=200) | copy_text.map(lambda t: t.encode("utf-8")))
def test_any_file_of_copy_reads_or_is_a_user_error(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "fuzz-copy.txt"
    path.write_bytes(data)
    try:
        parse_story(path)
    except UserError as exc:
        assert str(exc).startswith(str(path)), exc


def _words(story) -> Counter:
    """Letters and figures of every paragraph: the text rules change punctuation, never words."""
    return Counter(c for p in story.paragraphs() for c in p.text if c.isalnum())


@given(
    copy_text,
    st.sets(st.sampled_from([*ALL_RULE_NAMES, "no-such-rule"])),
    st.dictionaries(st.text(min_size=1, max_size=4), st.text(max_size=4), max_size=3),
)
def test_the_text_rules_keep_the_words_of_any_copy(text, disabled, suspect):
    try:
        story, _ = parse_text(text, SOURCE)
    except UserError:
        return
    try:
        fixed, findings = normalize(story, frozenset(disabled), suspect)
    except UserError as exc:
        assert "no-such-rule" in disabled and "no-such-rule" in str(exc)
        return
    assert "no-such-rule" not in disabled
    assert _words(fixed) == _words(story)
    check_findings(findings, SOURCE, line_count(text))


# ---- the edition file ------------------------------------------------------------------

KEYS = ["paper", "date", "issue", "format", "section", "pages", "credits", "photo"]
SUBKEYS = ["number", "section", "file", "print_placeholder", "编辑", "校对"]
scalars = st.one_of(
    st.text(max_size=8),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(SUBKEYS) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _string(text: str) -> str:
    escaped = "".join(
        f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F else c for c in text
    )
    return f'"{escaped}"'


def toml_value(value) -> str:
    """A TOML inline value (tomllib reads TOML but cannot write it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else {float("inf"): "inf", -float("inf"): "-inf"}.get(value, repr(value))
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def toml_table(table: dict) -> str:
    return "".join(f"{_string(k)} = {toml_value(v)}\n" for k, v in table.items())


pages = st.lists(
    st.fixed_dictionaries(
        {"number": st.integers(-5, 200) | scalars},
        optional={"section": st.text(max_size=6) | scalars},
    ),
    max_size=3,
).map(lambda ps: "".join("[[pages]]\n" + toml_table(p) for p in ps))
edition_text = st.one_of(
    st.text(max_size=200),
    st.dictionaries(st.sampled_from(KEYS), values, max_size=8).map(toml_table),
    st.tuples(
        st.fixed_dictionaries({"date": st.dates()}, optional={"photo": values, "credits": values}),
        pages,
    ).map(lambda t: toml_table(t[0]) + t[1]),
)
counter = itertools.count()


def names_file(exc: UserError, path) -> bool:
    """The error says what is wrong and names the file: in its message, or in each finding."""
    findings = getattr(exc, "findings", None)
    if findings:
        return all(f.path == str(path) and len(f.message) > 10 and f.line >= 0 for f in findings)
    return str(exc).startswith(str(path)) and len(str(exc)) > len(str(path)) + 10


@pytest.fixture(scope="module")
def edition_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("editions")


DATED = "date = 2026-12-01\n"
PAGE = "[[pages]]\nnumber = 4\n"
# Each was once a traceback (AttributeError, TypeError) found by the tests below: all in the
# first loader, `pages = true` and `pages = 5` in the schema's too. Now plain errors.
FOUND = [
    DATED + "photo = []\n" + PAGE,
    DATED + 'credits = "林晓"\n' + PAGE,
    DATED + "pages = true\n",
    DATED + "pages = 5\n",
    DATED + "pages = [1, 2]\n",
    DATED + "paper = 5\n" + PAGE,
    DATED + PAGE + "section = [1]\n",
    DATED + "[[pages]]\nnumber = true\n",
]


@pytest.mark.parametrize("text", FOUND)
def test_edition_files_the_fuzzer_broke_on_are_plain_errors(edition_dir, text):
    story = edition_dir / f"s{next(counter)}.txt"
    path = story.with_name(story.stem + ".edition.toml")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as refused:
        load_edition(story, "示例日报", "duikai")
    assert names_file(refused.value, path)


@given(text=edition_text)
@example(text=DATED + '[[pages]]\nnumber = 4\nsection = "要闻"\n')
def test_any_edition_file_loads_or_is_a_user_error(edition_dir, text):
    story = edition_dir / f"s{next(counter)}.txt"
    story.with_name(story.stem + ".edition.toml").write_text(text, encoding="utf-8")
    try:
        edition = load_edition(story, "示例日报", "duikai")
    except UserError as exc:
        assert names_file(exc, story.with_name(story.stem + ".edition.toml")), exc
        return
    assert isinstance(edition.date, dt.date) and edition.pages
    assert all(isinstance(p.number, int) and isinstance(p.section, str) for p in edition.pages)
    assert isinstance(edition.photo_file, str) and isinstance(edition.paper, str)
    assert isinstance(edition.format, str) and edition.date_cn and edition.weekday_cn
