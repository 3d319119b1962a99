"""What the desk sees: exit codes, messages naming file and line, no tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import weasyprint
from conftest import ROOT, SEED, made_up, write_story

from newsprint import clreq
from newsprint.cli import main as cli_main
from newsprint.compose.html import compose_html, template_env
from newsprint.config import load_config
from newsprint.story.edition import load_edition
from newsprint.story.normalize import normalize
from newsprint.story.parse import parse_text
from newsprint.typeset.typesetter import ProjectFetcher, allowed_roots

SEED_TEXT = SEED.read_text(encoding="utf-8")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "render.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_help_lists_commands_and_examples():
    result = run("--help")
    assert result.returncode == 0
    assert "render.py source/my_story.txt" in result.stdout and "fonts" in result.stdout


@pytest.mark.parametrize(
    "content, message", [(b"", "the copy is empty"), (b"\xff\xfe\x00bad", "not UTF-8")]
)
def test_unusable_copy_exits_1_without_traceback(story_dir, content, message):
    path = story_dir / "bad.txt"
    path.write_bytes(content)
    result = run(str(path))
    assert result.returncode == 1
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_that_leaves_early_ends_the_report_not_the_render(story_dir, tmp_path):
    # `render.py A B | head -1`: head leaves after the first line, while the first story's
    # files are still being listed (unbuffered here, so every print meets the closed
    # pipe). Both stories are rendered all the same, the exit status is theirs, and no
    # traceback is printed.
    import os

    stories = [write_story(story_dir, name, SEED_TEXT) for name in ("first", "second")]
    command = [sys.executable, str(ROOT / "render.py"), *map(str, stories), "--out", str(tmp_path)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        first = proc.stdout.readline().decode()
        proc.stdout.close()
        errors = proc.stderr.read().decode()
        status = proc.wait(300)
    assert "first.txt: rendered in" in first
    assert status == 0, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors
    for name in ("first", "second"):
        assert len(list((tmp_path / name).glob("*-print.pdf"))) == 2


def test_missing_story_and_missing_edition(story_dir):
    result = run(str(story_dir / "nope.txt"))
    assert result.returncode == 1 and "no such file" in result.stderr
    path = story_dir / "lonely.txt"
    path.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 1 and "lonely.edition.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_character_no_font_has_is_an_error_with_code_point_and_line(story_dir):
    text = SEED_TEXT.replace("2020年3月8日,我们", "2020年3月8日\U0001f642,我们")
    path = write_story(story_dir, "emoji", text)
    result = run(str(path))
    assert result.returncode == 1, result.stderr
    line = next(n for n, t in enumerate(SEED_TEXT.splitlines(), 1) if "2020年3月8日" in t)
    assert f"{path}:{line}: error: character “\U0001f642” (U+1F642" in result.stderr
    assert "Traceback" not in result.stderr


def test_overset_copy_names_the_module_and_the_lines(story_dir):
    extra = "\n\n".join(["五年来，荷塘区深入推进各项工作，成效显著。" * 40] * 12)
    text = SEED_TEXT.replace(
        "#### 报告解读\n\n五年来,荷塘区深入推进供给侧",
        f"#### 报告解读\n\n{extra}\n\n五年来,荷塘区深入推进供给侧",
    )
    path = write_story(story_dir, "long", text)
    result = run(str(path), "--out", str(story_dir / "out"))
    assert result.returncode == 1
    assert "too long" in result.stderr or "overset by" in result.stderr, result.stderr
    assert "lines" in result.stderr and "characters" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((story_dir / "out").glob("*/*-print.pdf"))


def test_sikai_preset_renders(story_dir, tmp_path):
    edition = (ROOT / "source" / "000_47b12d432780679e.edition.toml").read_text(encoding="utf-8")
    # the first article's note and first three sections (the third a little longer), the
    # data box and the photo: copy that fills two 四开 pages within the copyfit bounds
    first_sections = SEED_TEXT.split("### 回顾这五年")[0].split("### 4.")[0].rstrip()
    more = "荷塘区深入推进各项工作，成效显著，群众获得感不断增强。" * 4
    anchor = "五年来,荷塘区聚焦基础设施完善"
    first_sections = first_sections.replace(anchor, more + anchor)
    databox = "\n".join(SEED_TEXT.splitlines()[104:117])
    caption = SEED_TEXT.rstrip().splitlines()[-1]
    path = write_story(
        story_dir,
        "tabloid",
        f"{first_sections}\n\n{databox}\n\n{caption}\n",
        edition.replace('format = "duikai"', 'format = "sikai"'),
    )
    result = run(str(path), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    # render.py leaves by os._exit (cli.run): everything it printed got out first
    assert "rendered in" in result.stdout and result.stdout.rstrip().endswith("manifest.json")
    import pikepdf

    pdfs = sorted((tmp_path / "tabloid").glob("*-print.pdf"))
    assert len(pdfs) == 2
    with pikepdf.open(pdfs[0]) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert (
        round((box[2] - box[0]) * 25.4 / 72) == 275 and round((box[3] - box[1]) * 25.4 / 72) == 390
    )


def test_copy_is_escaped_in_the_html():
    story, _ = parse_text(
        SEED_TEXT.replace("五年来,荷塘区坚定", '<img src="file:///etc/passwd">五年来,荷塘区坚定'),
        "s.txt",
    )
    story, _ = normalize(story)
    config = load_config()
    edition = load_edition(SEED, config.paper_name, config.default_format)
    fmt = config.page_format()
    env = template_env(fmt, load_config())
    html = compose_html(story, edition, made_up(story, edition), fmt, "", env)
    assert "<img" not in html  # no picture: the copy's tag is text, never an element
    # escaped; the make-up may cut the paragraph at a line inside it (after a "/")
    text = re.sub(r"</p>.*?<p[^>]*>", "", html, flags=re.S)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;五年来" in text


def test_fetcher_refuses_files_outside_the_project_and_the_network():
    fetcher = ProjectFetcher(allowed_roots())
    with pytest.raises(PermissionError):
        fetcher("file:///etc/passwd")
    with pytest.raises(PermissionError):
        fetcher(f"file://{ROOT}/source/../../etc/passwd")
    with pytest.raises(PermissionError):
        fetcher("http://127.0.0.1:9/x.png")
    response = fetcher((ROOT / "styles" / "tokens.css").as_uri())
    assert b"--face-body" in response.read()
    response.close()


def _break_justify_line(monkeypatch):
    from weasyprint.layout import inline

    monkeypatch.setattr(inline, "justify_line", lambda context, line: None)


@pytest.mark.parametrize(
    "change, found",
    [
        (lambda mp: mp.setattr(weasyprint, "__version__", "71.0"), "WeasyPrint 71.0 is installed"),
        (
            _break_justify_line,
            f"WeasyPrint {clreq.WEASYPRINT_VERSION} is installed with changed internals",
        ),
    ],
    ids=["version", "internals"],
)
def test_another_weasyprint_is_a_plain_error_saying_what_to_reinstall(
    tmp_path, off, monkeypatch, capsys, change, found
):
    change(monkeypatch)  # `off` first: clreq.install() checks only when not yet installed
    assert cli_main(["render", str(SEED), "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert found in err and f"needs WeasyPrint {clreq.WEASYPRINT_VERSION}" in err
    assert "`rm -f .setup/venv.stamp && make setup`" in err
    assert "Traceback" not in err and "RuntimeError" not in err
    assert not list(tmp_path.iterdir())  # stopped before writing anything


HEADLINE_ONLY = "## 荷塘区召开第六次党代会\n"


def test_a_page_with_no_copy_is_an_error_that_names_the_page_count(story_dir, tmp_path):
    path = write_story(story_dir, "headline", HEADLINE_ONLY)  # the seed's two-page edition
    result = run(str(path), "--out", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "page 2 (第05版) has no copy" in result.stderr and "--pages 1" in result.stderr
    assert not list(tmp_path.rglob("*-print.pdf"))


def test_pages_option_sets_the_story_on_more_pages_numbered_on(story_dir, tmp_path):
    path = write_story(story_dir, "short", HEADLINE_ONLY + "\n荷塘区召开第六次党代会。\n")
    result = run(str(path), "--out", str(tmp_path), "--pages", "3")
    assert result.returncode == 1
    # the edition lists pages 4 and 5; the third page is numbered on from the last
    assert "page 3 (第06版) has no copy" in result.stderr and "--pages 1" in result.stderr
    assert not list(tmp_path.rglob("*-print.pdf"))
    bad = run(str(path), "--pages", "0")
    assert bad.returncode == 2 and "whole number, 1 or more" in bad.stderr


def test_pages_option_renders_on_one_page(story_dir, tmp_path):
    lines = SEED_TEXT.splitlines()  # the first article and the photo: a page's worth
    path = write_story(story_dir, "one", "\n".join(lines[:70] + lines[117:]))
    assert cli_main([str(path), "--out", str(tmp_path), "--pages", "1"]) == 0
    assert [p.name for p in tmp_path.rglob("*-print.pdf")] == ["20261201-p04-print.pdf"]


def test_an_output_folder_that_cannot_be_made_is_a_plain_error(tmp_path):
    # It was a FileExistsError traceback once the layout was done.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for out, message in (
        (blocker, "a file is in the way"),
        (blocker / "sub", "a file is in the way"),
    ):
        result = run(str(SEED), "--out", str(out))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"error: --out {out}: {message}" in result.stderr
    result = run(
        "edition", str(ROOT / "source" / "edition-2026-12-01.plan.toml"), "--out", str(blocker)
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: --out {blocker}: a file is in the way" in result.stderr


def test_check_of_a_file_that_is_no_pdf_is_a_plain_error(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really")
    result = run("check", str(broken))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{broken}: not a readable PDF (" in result.stderr
