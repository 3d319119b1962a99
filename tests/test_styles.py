"""Designer mistakes in styles/ are errors with file and line, before anything is laid out."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, SEED

from newsprint.build import BuildFailed, prepare, session_css
from newsprint.cli import main as cli_main
from newsprint.compose.html import geometry_css
from newsprint.config import load_config
from newsprint.story.edition import load_edition
from newsprint.story.parse import parse_story
from newsprint.typeset import typesetter
from newsprint.typeset.fonts import load_faces
from newsprint.typeset.styles import tool_css, undefined_properties
from newsprint.typeset.typesetter import Typesetter, weasyprint_finding


@pytest.fixture
def styles(tmp_path, monkeypatch):
    """A copy of styles/ that the renderer reads instead: the real ones stay as they are."""
    copy = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", copy)
    monkeypatch.setattr(typesetter, "STYLES_DIR", copy)
    return copy


def edit(path, old: str, new: str) -> int:
    """Replace the first `old` in the file; the line it was on."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def seed_tool_css() -> str:
    config = load_config()
    story, _ = parse_story(SEED)
    edition = load_edition(SEED, config.paper_name, config.default_format)
    fmt = config.page_format(edition.format)
    return tool_css(fmt, load_faces(), config.font_roles)


def test_a_mistyped_property_stops_the_render_naming_file_and_line(styles, tmp_path, capsys):
    line = edit(styles / "text.css", "var(--headline-size)", "var(--headlin-size)")
    assert cli_main([str(SEED), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{styles / 'text.css'}:{line}: error: var(--headlin-size) is not defined" in err
    assert "did you mean var(--headline-size)?" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # stopped before layout: no proof, no print PDF


def test_every_property_the_styles_use_is_set_by_them_or_by_the_tool(styles):
    assert undefined_properties(seed_tool_css()) == []
    # the grid, faces, spare space and the templates' inline styles come from the tool
    unset = {f.message.split(")")[0][4:] for f in undefined_properties("")}
    assert {"--line-pitch", "--type-width", "--face-headline", "--cols", "--fit"} <= unset
    assert "--headline-size" not in unset  # tokens.css defines it


def test_a_fallback_or_a_comment_is_no_use_of_an_undefined_property(styles):
    edit(styles / "text.css", "var(--headline-size)", "var(--headlin-size, 66pt)")
    (styles / "page.css").write_text(
        "/* var(--not-a-use) */\n" + (styles / "page.css").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    assert undefined_properties(seed_tool_css()) == []


def test_prepare_refuses_a_property_defined_nowhere(styles):
    line = edit(styles / "modules.css", "var(--quote-inset)", "var(--quote-insett)")
    with pytest.raises(BuildFailed) as failed:
        prepare(SEED, load_config())
    (finding,) = [f for f in failed.value.findings if f.level == "error"]
    assert (finding.path, finding.line, finding.rule) == (
        str(styles / "modules.css"),
        line,
        "css-undefined-property",
    )


def test_a_bad_selector_names_its_line(styles):
    line = edit(styles / "modules.css", ".photo {", ".photo..frame { color: red; }\n.photo {")
    _sheets, warnings = Typesetter("").stylesheets()
    (finding,) = [weasyprint_finding(w) for w in warnings]
    assert (finding.path, finding.line) == (str(styles / "modules.css"), line)
    assert "Invalid or unsupported selector" in finding.message


def test_a_stray_brace_names_its_line(styles):
    text = (styles / "page.css").read_text(encoding="utf-8")
    (styles / "page.css").write_text(text + "\n}\n.stray { color: red; }\n", encoding="utf-8")
    _sheets, warnings = Typesetter("").stylesheets()
    (finding,) = [weasyprint_finding(w) for w in warnings]
    assert finding.line == text.count("\n") + 2  # the brace's line


def test_a_value_made_invalid_through_a_property_names_the_sheet_that_uses_it(styles):
    edit(
        styles / "tokens.css",
        "--tint-note: device-cmyk(0.05 0 0 0.04);",
        "--tint-note: 3 apples;",
    )
    text = (styles / "modules.css").read_text(encoding="utf-8")
    line = text.count("\n", 0, text.index("background: var(--tint-note);")) + 1
    config = load_config()
    story, _ = parse_story(SEED)
    edition = load_edition(SEED, config.paper_name, config.default_format)
    grid = geometry_css(config.page_format(edition.format))
    typeset = Typesetter(session_css(config))
    _document, warnings = typeset.render('<aside class="editors-note"></aside>', grid)
    (finding,) = [weasyprint_finding(w) for w in warnings]
    assert (finding.path, finding.line) == (str(styles / "modules.css"), line)
    assert "Ignored `background: 3 apples`" in finding.message
