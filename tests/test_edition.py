"""The edition file: every mistake is an error at its key's line, never a traceback
or a guess, and nothing is written for print."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEED, SEED_EDITION, write_story
from test_cli import run

from newsprint.story.edition import EditionError, load_edition
from newsprint.story.tomllines import KeyLines

SEED_TOML = SEED_EDITION.read_text(encoding="utf-8")
FORMATS = ("duikai", "sikai")
TOP = 'paper = "示例日报"\ndate = 2026-12-01\n'
SPREAD = "[[pages]]\nnumber = 4\n\n[[pages]]\nnumber = 5\n"


def seed_line(text: str) -> int:
    """The line of the seed edition file that starts with `text`."""
    return next(n for n, t in enumerate(SEED_TOML.splitlines(), 1) if t.startswith(text))


def edited(old: str, new: str) -> str:
    assert old in SEED_TOML, old
    return SEED_TOML.replace(old, new, 1)


def load(tmp_path, toml: str):
    (tmp_path / "s.edition.toml").write_text(toml, encoding="utf-8")
    return load_edition(tmp_path / "s.txt", "默认日报", "duikai", FORMATS)


def errors(tmp_path, toml: str):
    with pytest.raises(EditionError) as caught:
        load(tmp_path, toml)
    findings = caught.value.findings
    assert findings and all(f.level == "error" for f in findings)
    assert all(f.path == str(tmp_path / "s.edition.toml") and f.line >= 1 for f in findings)
    return findings


SEED_MISTAKES = [
    ("print_placeholder = true", 'print_placeholder = "no"', "print_placeholder", "true or false"),
    ("print_placeholder = true", "print_placeholder = 1", "print_placeholder", "true or false"),
    ('paper = "示例日报"', "paper = 123", "paper", "text in quotes"),
    ("date = 2026-12-01", "date = 2026-12-01T10:00:00", "date", "without a time"),
    ("date = 2026-12-01", "date = 10:00:00", "date", "TOML date"),
    ("date = 2026-12-01", 'date = "2026-12-01"', "date", "without quotes"),
    ('format = "duikai"', 'format = "tabloid"', "format", "duikai, sikai"),
    ('issue = "第8123期"', "issue = true", "issue", "text"),
    ('section = "专题"', "section = 3", "section", "text in quotes"),
    ("[credits]", "[credit]", "[credit]", "did you mean [credits]?"),
    ("[photo]", "[foto]", "[foto]", "did you mean [photo]?"),
    ("print_placeholder", "print-placeholder", "print-placeholder", "print_placeholder"),
    ('"校对" = "陈静"', '"校对" = ["陈静"]', "校对", "a name in quotes"),
    ('file = ""', "file = 3", "file", "text in quotes"),
    ("number = 5", "number = 4", "page 4", "given twice"),
    ("number = 5", "number = 7", "page 7", "consecutive"),
    ("number = 5", "number = true", "number", "page number"),
    ("number = 5", 'number = "5"', "number", "without quotes"),
    ("number = 5", "number = 0", "number", "1 or more"),
    ("number = 5", "number = 5.0", "number", "page number"),
    ("number = 4\n", "number = 4\nnumbr = 1\n", "numbr", "did you mean number?"),
    ("date = 2026-12-01", "dates = 2026-12-01", "dates", "did you mean date?"),
]


@pytest.mark.parametrize(
    "old, new, key, expected", SEED_MISTAKES, ids=[c[1] for c in SEED_MISTAKES]
)
def test_a_mistake_in_the_seed_is_an_error_at_its_line(tmp_path, old, new, key, expected):
    findings = errors(tmp_path, edited(old, new))
    start = SEED_TOML[: SEED_TOML.index(old)].count("\n") + 1  # the edited line(s)
    hit = [f for f in findings if key in f.message and expected in f.message]
    assert hit, [str(f) for f in findings]
    assert start <= hit[0].line <= start + new.rstrip("\n").count("\n"), str(hit[0])


WRONG_SHAPES = [
    (TOP + 'photo = "x.jpg"\n' + SPREAD, 3, "photo must be a table"),
    (TOP + 'credits = "林晓"\n' + SPREAD, 3, "credits must be a table"),
    (TOP + "pages = [4, 5]\n", 3, "not pages = [4, 5]"),
    (TOP + "[pages]\nnumber = 4\n", 3, "[pages] is a single table"),
    (TOP + "[[page]]\nnumber = 4\n", 3, "unknown key [[page]]; did you mean [[pages]]?"),
    (TOP, 1, "no pages"),
    (TOP + "pages = []\n", 3, "no pages"),
    (TOP + '[[pages]]\nsection = "专题"\n', 3, "[[pages]] #1 has no number"),
    ('paper = "示例日报"\n' + SPREAD, 1, "date is missing"),
    ('paper = ""\ndate = 2026-12-01\n' + SPREAD, 1, "paper is empty"),
    (TOP + "[[pages]]\nnumber = 5\n[[pages]]\nnumber = 6\n", 4, "do not face each other"),
    (TOP + "[[pages]]\nnumber = -4\n", 4, "1 or more"),
    (TOP + "pages = [{number = 4}, {number = 4}]\n", 3, "page 4 is given twice"),
    ("paper = 示例\ndate = 2026-12-01\n" + SPREAD, 1, "text needs quotes"),
    (TOP + SPREAD + "[[pages]]\nnumber = 4\n", 9, "page 4 is given twice (also at line 4)"),
]


@pytest.mark.parametrize("toml, line, expected", WRONG_SHAPES, ids=[c[2] for c in WRONG_SHAPES])
def test_a_wrong_shape_is_an_error_not_a_traceback(tmp_path, toml, line, expected):
    findings = errors(tmp_path, toml)
    hit = [f for f in findings if expected in f.message]
    assert hit, [str(f) for f in findings]
    assert hit[0].line == line, str(hit[0])


def test_not_utf8_names_the_line(tmp_path):
    (tmp_path / "s.edition.toml").write_bytes(b'date = 2026-12-01\npaper = "\xc0"\n')
    with pytest.raises(EditionError) as caught:
        load_edition(tmp_path / "s.txt", "P", "duikai")
    (finding,) = caught.value.findings
    assert finding.line == 2 and "not UTF-8" in finding.message and "0xc0" in finding.message


def test_every_mistake_is_reported_in_one_pass(tmp_path):
    toml = edited("print_placeholder = true", 'print_placeholder = "no"')
    toml = toml.replace("date = 2026-12-01", 'date = "2026-12-01"').replace(
        "number = 5", "number = 4"
    )
    found = {f.line for f in errors(tmp_path, toml)}
    assert found == {seed_line("date"), seed_line("print_placeholder"), 15}


def test_the_seed_edition_reads_as_written(tmp_path):
    edition = load(tmp_path, SEED_TOML)
    assert edition.date == dt.date(2026, 12, 1) and type(edition.date) is dt.date
    assert [(p.number, p.section) for p in edition.pages] == [(4, "党代会特刊"), (5, "党代会特刊")]
    assert edition.photo_placeholder_ok is True and edition.credits["校对"] == "陈静"
    minimal = load(tmp_path, "date = 2026-12-01\nissue = 8123\n[[pages]]\nnumber = 3\n")
    assert minimal.paper == "默认日报" and minimal.issue == "8123" and minimal.format == "duikai"
    assert minimal.photo_placeholder_ok is False and minimal.pages[0].section == ""


def test_key_lines_find_tables_quoted_and_dotted_keys():
    text = (
        'paper = "p"\nnote = """\nfake = 1\n"""\n'
        "[[pages]]\nnumber = 4\n[[pages]]\n  number = 5 # right\n"
        '[credits]\n"责任编辑" = "林晓"\n[photo]\nfile.x = 1\n'
    )
    lines = KeyLines(text)
    assert lines.line(("paper",)) == 1 and lines.line(("fake",)) == 1  # inside a string
    assert lines.line(("pages", 0, "number")) == 6 and lines.line(("pages", 1, "number")) == 8
    assert lines.line(("pages", 1, "section")) == 7  # missing: its table's header
    assert lines.line(("credits", "责任编辑")) == 10 and lines.line(("photo", "file", "x")) == 12
    assert lines.line(("pages",)) == 5


def test_the_cli_reports_a_bad_edition_and_writes_nothing(story_dir):
    toml = edited("print_placeholder = true", 'print_placeholder = "no"')
    path = write_story(story_dir, "bad", SEED.read_text(encoding="utf-8"), toml)
    out = story_dir / "out"
    result = run(str(path), "--out", str(out))
    assert result.returncode == 1
    edition = path.with_suffix(".edition.toml")
    assert f"{edition}:{seed_line('print_placeholder')}: error: [photo] print_placeholder" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not out.exists() or not list(out.rglob("*.pdf"))


def test_the_cli_reports_an_unknown_format_against_the_edition(story_dir):
    toml = edited('format = "duikai"', 'format = "tabloid"')
    path = write_story(story_dir, "fmt", SEED.read_text(encoding="utf-8"), toml)
    result = run(str(path), "--out", str(story_dir / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    edition = path.with_suffix(".edition.toml")
    assert f"{edition}:{seed_line('format')}: error: format 'tabloid'" in result.stderr
    assert not (story_dir / "out").exists() or not list((story_dir / "out").rglob("*.pdf"))


@pytest.mark.parametrize(
    "old, new, key, what",
    [
        ('section = "党代会特刊"', 'section = "' + "特刊很长的版名" * 12 + '"', "section", "版名"),
        ('paper = "示例日报"', 'paper = "' + "示例日报" * 30 + '"', "paper", "paper's name"),
    ],
)
def test_a_running_head_too_long_for_its_line_names_what_to_shorten(story_dir, old, new, key, what):
    # A long 版名 or paper name wrapped in the running head and squeezed its credits to a
    # character a line; the render failed on a "not flush" line blamed on the copy.
    path = write_story(story_dir, "head", SEED.read_text(encoding="utf-8"), edited(old, new))
    out = story_dir / "out"
    result = run(str(path), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    edition = path.with_suffix(".edition.toml")
    line = next(n for n, t in enumerate(edited(old, new).splitlines(), 1) if t.startswith(new))
    assert f"{edition}:{line}: error: 第04版" in result.stderr
    assert (
        f"does not fit on one line: the {what}" in result.stderr and "shorten it" in result.stderr
    )
    errors = [line for line in result.stderr.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "not flush" not in result.stderr  # not blamed on the copy
    assert not out.exists() or not list(out.rglob("*-print.pdf"))
