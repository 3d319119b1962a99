"""newsprint.toml mistakes are plain errors naming the file, the key and what is expected."""

from __future__ import annotations

import pytest
from conftest import ROOT

from newsprint.config import CONFIG_PATH, load_config
from newsprint.errors import UserError
from newsprint.story.model import Article, Para, Story
from newsprint.story.normalize import normalize
from newsprint.typeset.fonts import load_faces, role_css

TOML = (ROOT / "newsprint.toml").read_text(encoding="utf-8")


def config_with(tmp_path, old: str, new: str):
    assert old in TOML
    path = tmp_path / "newsprint.toml"
    path.write_text(TOML.replace(old, new), encoding="utf-8")
    return load_config(path)


def test_the_papers_timezone_and_language_reach_the_config(tmp_path):
    config = config_with(tmp_path, 'timezone = "+08:00"', 'timezone = "+09:30"')
    assert (config.timezone, config.language) == ("+09:30", "zh-CN")


@pytest.mark.parametrize("value", ['"Asia/Shanghai"', '"8"', '"+8:00"', "8"])
def test_a_timezone_that_is_no_utc_offset_is_refused(tmp_path, value):
    with pytest.raises(UserError, match=r"\[paper\].*timezone"):
        config_with(tmp_path, 'timezone = "+08:00"', f"timezone = {value}")


def test_an_unknown_text_rule_to_switch_off_is_named():
    story = Story(source="x.txt", articles=[Article(headline=Para("标题", 1))])
    with pytest.raises(UserError) as caught:
        normalize(story, frozenset({"fullwidth-punctuaton"}))
    message = str(caught.value)
    assert str(CONFIG_PATH) in message and "fullwidth-punctuaton" in message
    assert "fullwidth-punctuation" in message  # the known names are listed


def test_font_roles_become_the_styles_face_properties():
    faces = load_faces()
    css = role_css(faces, load_config().font_roles)
    assert "--face-body: 'NP Noto Serif CJK SC';" in css
    assert "--face-headline: 'NP Noto Sans CJK SC';" in css
    assert "--face-kai: 'NP Kai Quotes', 'NP LXGW WenKai';" in css  # the ranged face first
    with pytest.raises(UserError, match="no face serif-light"):
        role_css(faces, {"body": ["serif-light"]})


def test_typography_errors_are_named_rules_of_the_report(tmp_path):
    from newsprint.config import TYPOGRAPHY_RULES
    from newsprint.preflight.typography import Report

    assert set(Report().faults()) == set(TYPOGRAPHY_RULES)  # one list of names
    config = load_config()
    assert "letter-spaced" in config.typography_errors
    assert "loose-lines" not in config.typography_errors  # a warning, see newsprint.toml
    strict = config_with(tmp_path, '"injected-spaces", "off-grid",', '"loose-lines",')
    assert "loose-lines" in strict.typography_errors and "off-grid" not in strict.typography_errors
    with pytest.raises(UserError, match=r"newsprint.toml \[typography\].*loose-line\b"):
        config_with(tmp_path, '"injected-spaces", "off-grid",', '"loose-line",')
