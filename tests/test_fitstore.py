"""The make-up cache on disk (typeset/fitstore.py): a new process starts with the
make-ups an earlier one found, renders a known story once without solving its make-up
again, and gets the same pages; a torn file is no cache."""

from __future__ import annotations

from conftest import SEED
from PIL import Image, ImageChops

from newsprint.build import build, session_css
from newsprint.config import load_config
from newsprint.typeset import fitstore
from newsprint.typeset.typesetter import Typesetter


def _typesetter(renders: list[int]) -> Typesetter:
    typesetter = Typesetter(session_css(load_config()))
    inner = typesetter.render

    def counted(html, geometry):
        renders.append(1)
        return inner(html, geometry)

    typesetter.render = counted
    return typesetter


def test_a_new_process_renders_a_known_story_once(tmp_path, monkeypatch):
    from newsprint.compose import makeup

    solved: list[int] = []
    solve = makeup.solve
    monkeypatch.setattr(makeup, "solve", lambda *a, **k: solved.append(1) or solve(*a, **k))
    monkeypatch.setenv("NEWSPRINT_FIT_CACHE", str(tmp_path / "fit"))
    first_renders: list[int] = []
    first = _typesetter(first_renders)
    fitstore.load(first)
    before = build(SEED, tmp_path / "first", typesetter=first, archive=False)
    fitstore.save(first)
    assert solved == [1] and list((tmp_path / "fit").glob("*.pickle"))

    again: list[int] = []
    second = _typesetter(again)  # what the next `render.py` makes
    fitstore.load(second)
    after = build(SEED, tmp_path / "second", typesetter=second, archive=False)
    assert solved == [1] and len(again) == 1  # the spread, its modules measured on disk
    with Image.open(before.proof) as a, Image.open(after.proof) as b:
        assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


def test_a_torn_file_is_no_cache_and_off_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRINT_FIT_CACHE", str(tmp_path))
    typesetter = Typesetter(session_css(load_config()))
    path = fitstore.store_path(typesetter.font_css)
    path.write_bytes(b"\x80\x05not a pickle")
    fitstore.load(typesetter)
    assert typesetter.fit_cache == {}
    monkeypatch.setenv("NEWSPRINT_FIT_CACHE", "off")
    assert fitstore.store_path(typesetter.font_css) is None


def test_the_breakers_limits_are_part_of_the_code_digest(tmp_path, monkeypatch):
    # hanzi.py holds the loose and tight limits clreq breaks lines by: a make-up stored
    # under the old limits must not serve the new ones
    (tmp_path / "hanzi.py").write_text("TIGHT_EM = 0.025\n")
    monkeypatch.setattr(fitstore, "PACKAGE", tmp_path)
    before = fitstore.code_digest()
    (tmp_path / "hanzi.py").write_text("TIGHT_EM = 0.05\n")
    assert fitstore.code_digest() != before


def test_the_heading_word_cuts_are_kept_so_a_known_story_never_loads_rjieba(tmp_path):
    """rjieba's dictionary is 0.08 s of a render: the cuts of the headings (made for
    the make-up, and for the typography report in a forked child) are kept on disk
    (compose/words.py), and the second render of a story does not import it, neither
    in render.py nor in the child that cuts a new story's words beside its imports."""
    import os
    import subprocess
    import sys

    from newsprint.config import PROJECT_ROOT

    env = {**os.environ, "NEWSPRINT_FIT_CACHE": str(tmp_path / "fit")}
    args = [sys.executable, "-X", "importtime", str(PROJECT_ROOT / "render.py"), str(SEED)]
    args += ["--out", str(tmp_path / "out")]
    first = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    again = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    assert "| rjieba\n" in first.stderr
    assert "rjieba" not in again.stderr
    assert list((tmp_path / "fit" / "words").glob("rjieba-*.pickle"))
