"""The edition plan: every desk mistake is named at its file and line, with what to do,
and stops the edition before anything is rendered or written for the plant."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from newsprint.config import load_config
from newsprint.edition.plan import PlanError, load_plan
from newsprint.edition.settings import EditionSettings, load_settings

EXAMPLE = ROOT / "source" / "edition-2026-12-01.plan.toml"
# page → story: a single page, a spread, singles
LAYOUT = {1: "a", 2: "b", 3: "b", 4: "c", 5: "c", 6: "d", 7: "e", 8: "f"}


def plan_text(pages: dict[int, str] = LAYOUT, head: str = "", plant: str = "") -> str:
    rows = [
        'paper = "示例日报"',
        "date = 2026-12-01",
        'issue = "第8123期"',
        'format = "duikai"',
        head,
        "[plant]",
        'name = "示例印务中心"',
        plant,
    ]
    for number, story in pages.items():
        rows += ["", "[[pages]]", f"number = {number}", f'story = "{story}.txt"']
    return "\n".join(rows) + "\n"


@pytest.fixture
def write(tmp_path):
    for name in "abcdefgh":
        (tmp_path / f"{name}.txt").write_text("# 标题\n\n正文。\n", encoding="utf-8")

    def write(text: str):
        path = tmp_path / "night.plan.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def errors(path, settings: EditionSettings | None = None) -> list[str]:
    config = load_config()
    with pytest.raises(PlanError) as exc:
        load_plan(path, settings or load_settings(), config.paper_name, config.formats)
    return [str(f) for f in exc.value.findings]


def line_of(path, text: str) -> int:
    return next(k for k, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_example_plan_reads_and_groups_pages_by_story():
    config = load_config()
    plan = load_plan(EXAMPLE, load_settings(), config.paper_name, config.formats)
    assert [p.number for p in plan.pages] == list(range(1, 9))
    spans = {s.name: [p.number for p in s.pages] for s in plan.stories}
    assert spans["000_47b12d432780679e"] == [4, 5] and spans["corpus_0004"] == [2, 3]
    assert len(plan.stories) == 6 and all(s.path.is_file() for s in plan.stories)
    assert plan.file_name(plan.pages[0]) == "20261201-01.pdf"


def test_a_good_plan_has_no_errors(write):
    config = load_config()
    plan = load_plan(write(plan_text()), load_settings(), config.paper_name, config.formats)
    assert [s.name for s in plan.stories] == list("abcdef")


def test_a_page_planned_twice(write):
    pages = {**LAYOUT}
    text = plan_text(pages).replace("number = 7", "number = 6")
    path = write(text)
    [found] = [e for e in errors(path) if "is planned twice" in e]
    first = line_of(path, "number = 6")
    second = first + 4  # the next [[pages]] table's number line
    assert found.startswith(
        f"{path}:{second}: error: page 6 is planned twice (also at line "
        f"{first}); each page is filled by one story"
    )
    assert any("page 7 is missing" in e for e in errors(path))


def test_a_gap_in_the_pages(write):
    pages = {k: v for k, v in LAYOUT.items() if k != 6}
    [found] = errors(write(plan_text(pages)))
    assert "page 6 is missing: the edition runs from 1 to 8; add a [[pages]] table" in found


def test_too_few_pages_and_pages_off_the_sheet(write):
    few = {1: "a", 2: "b", 3: "b", 4: "c"}
    [found] = errors(write(plan_text(few)))
    assert "the edition has 4 pages; the plant takes 8 to 48" in found
    ten = {**LAYOUT, 9: "g", 10: "h"}
    [found] = errors(write(plan_text(ten)))
    assert "printed on sheets of 4, so plan 12" in found


def test_a_story_on_pages_that_do_not_follow(write):
    path = write(plan_text({**LAYOUT, 6: "a"}))
    [found] = errors(path)
    assert "page 6 carries 'a.txt', which is also on page(s) 1, 6" in found
    assert f":{line_of(path, 'number = 6') + 1}: error:" in found


def test_a_spread_that_does_not_face(write):
    pages = {**LAYOUT, 3: "c", 4: "c", 5: "g"}
    pages[2] = "b"
    [found] = errors(write(plan_text(pages)))
    assert "'c.txt' is on pages 3 and 4, which do not face each other" in found
    assert "e.g. 4 and 5" in found


def test_a_story_file_that_does_not_exist(write):
    path = write(plan_text({**LAYOUT, 8: "missing"}))
    [found] = errors(path)
    assert found.startswith(
        f"{path}:{line_of(path, 'missing.txt')}: error: story 'missing.txt' does not exist"
    )
    assert "relative to the plan's folder" in found


def test_a_page_without_story_or_number(write):
    text = plan_text().replace('story = "f.txt"', "")
    [found] = errors(write(text))
    assert "[[pages]] #8 has no story; add story = " in found
    text = plan_text().replace("number = 8", 'number = "8"')
    found = errors(write(text))
    assert any(
        '[[pages]] #8 number must be a page number (版次) like 4, without quotes, not "8"' in e
        for e in found
    )


def test_typos_get_suggestions(write):
    path = write(plan_text(head='isue = "x"', plant='file = "{page}.pdf"'))
    found = errors(path)
    assert any("unknown key isue; did you mean issue?" in e for e in found)
    assert any("unknown key [plant] file; did you mean files?" in e for e in found)
    assert any(f":{line_of(path, 'isue')}:" in e for e in found)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{date}.pdf", "has no {page}: every page would get the same file name"),
        ("{date}-{pg:02d}.pdf", "names {pg}, which is not a field"),
        ("{date}-{page:zz}.pdf", "cannot be filled"),
        ("plant/{page:02d}.pdf", "must be a file name ending in .pdf, without folders"),
        ("{date}-{page.pdf", "is not a pattern"),
    ],
)
def test_bad_file_patterns(write, pattern, message):
    path = write(plan_text(plant=f'files = "{pattern}"'))
    [found] = errors(path)
    assert message in found and f":{line_of(path, 'files')}:" in found


def test_date_format_and_paper(write):
    text = plan_text().replace("date = 2026-12-01", 'date = "2026-12-01"')
    text = text.replace('format = "duikai"', 'format = "broadsheet"')
    text = text.replace('paper = "示例日报"', 'paper = ""')
    found = errors(write(text))
    assert any("date must be a TOML date like 2026-12-01, without quotes" in e for e in found)
    assert any("format 'broadsheet' is not a page format of newsprint.toml" in e for e in found)
    assert any("paper is empty" in e for e in found)


def test_two_stories_with_one_name(write, tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "f.txt").write_text("x", encoding="utf-8")
    [found] = errors(write(plan_text({**LAYOUT, 8: "other/f", 7: "f"})))
    assert "have the same name 'f'" in found


def test_not_toml_and_no_plan(write, tmp_path):
    path = write(plan_text() + "pages = [\n")
    [found] = errors(path)
    assert "not valid TOML" in found and str(path) in found
    [found] = errors(tmp_path / "nope.plan.toml")
    assert "no such edition plan; copy source/edition-2026-12-01.plan.toml" in found


def edition_command(plan: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    """`render.py edition PLAN …` into tmp_path, its store there too, no archive."""
    return subprocess.run(
        [sys.executable, str(ROOT / "render.py"), "edition", str(plan), *extra]
        + ["--out", str(tmp_path / "out"), "--store", str(tmp_path / "store"), "--no-archive"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_command_stops_before_rendering(write, tmp_path):
    path = write(plan_text({**LAYOUT, 6: "a"}))
    out = tmp_path / "out"
    result = edition_command(path, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{path}:" in result.stderr and "a story runs on consecutive pages" in result.stderr
    assert "error(s) in the edition plan; nothing was rendered" in result.stderr
    assert not out.exists()


def test_only_names_a_story_of_the_plan(tmp_path):
    result = edition_command(EXAMPLE, tmp_path, "--only", "nope")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--only nope: no such story in" in result.stderr
    assert "corpus_0018, corpus_0004, 000_47b12d432780679e" in result.stderr


def test_the_desk_side_never_loads_weasyprint():
    """Workers import WeasyPrint after forking: the modules a parent holds never do."""
    code = (
        "import sys; import newsprint.cli as c; c.build_parser();"
        "import newsprint.edition.run, newsprint.edition.local, newsprint.edition.remote;"
        "import newsprint.edition.task, newsprint.edition.commands;"
        "assert 'weasyprint' not in sys.modules, 'weasyprint loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def test_settings_are_checked(tmp_path):
    from newsprint.errors import UserError

    path = tmp_path / "newsprint.toml"
    path.write_text('[edition]\nmin_pages = "8"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"\[edition\]: 'min_pages' must be int, not '8'"):
        load_settings(path)
    path.write_text("[workers]\ntime_limit = 60\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"unknown key 'time_limit'; known: time_limit_s"):
        load_settings(path)
    path.write_text("[edition]\nmin_pages = 50\n", encoding="utf-8")
    with pytest.raises(UserError, match="min_pages is more than max_pages"):
        load_settings(path)
