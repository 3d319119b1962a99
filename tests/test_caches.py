"""The caches on disk stay bounded, keeping what was used last (newsprint/caches.py)."""

from __future__ import annotations

import os

from conftest import SEED
from printdocs import DATA

from newsprint import caches
from newsprint.build import build, session_css
from newsprint.compose import headings
from newsprint.config import load_config
from newsprint.typeset import fitstore, modules
from newsprint.typeset.typesetter import Typesetter


def _aged(path, text: str, age_s: int):
    path.write_text(text)
    old = path.stat().st_mtime - age_s
    os.utime(path, (old, old))
    return path


def test_prune_keeps_the_latest_used_by_count_and_bytes(tmp_path):
    files = [_aged(tmp_path / f"{n}.json", "x" * 100, 1000 - n) for n in range(6)]
    other = _aged(tmp_path / "notes.txt", "kept: not the pattern", 5000)
    caches.used(files[0])  # the oldest, read just now
    assert caches.prune(tmp_path, "*.json", keep=4) == 2
    assert sorted(p.name for p in tmp_path.glob("*.json")) == [
        "0.json",
        "3.json",
        "4.json",
        "5.json",
    ]
    assert caches.prune(tmp_path, "*.json", keep=4, max_bytes=250) == 2
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["0.json", "5.json"]
    assert caches.prune(tmp_path, "*.json", keep=4, max_bytes=10) == 1  # the newest stays
    assert [p.name for p in tmp_path.glob("*.json")] == ["0.json"] and other.exists()
    assert caches.prune(tmp_path / "none", "*.json", keep=1) == 0


def test_a_render_prunes_the_measurements_and_fits_it_no_longer_uses(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRINT_FIT_CACHE", str(tmp_path / "fit"))
    monkeypatch.setattr(modules, "MEASUREMENTS_KEPT", 3)
    monkeypatch.setattr(fitstore, "STORES_KEPT", 1)
    monkeypatch.setattr(headings, "CUTS", {})  # as a new process: the cuts are saved too
    measured, fits = tmp_path / "fit" / "measure", tmp_path / "fit"
    measured.mkdir(parents=True)
    stale = [_aged(measured / f"stale{n}.json", "{}", 10_000 + n) for n in range(4)]
    old_fits = [_aged(fits / f"old{n}.pickle", "", 10_000 + n) for n in range(3)]

    typesetter = Typesetter(session_css(load_config()))
    fitstore.load(typesetter)
    build(SEED, tmp_path / "out", typesetter=typesetter, archive=False)
    fitstore.save(typesetter)
    kept = sorted(p.name for p in measured.glob("*.json"))
    new = [name for name in kept if not name.startswith("stale")]
    assert len(new) == 1 and kept == sorted([*new, "stale0.json", "stale1.json"])
    assert not any(p.exists() for p in old_fits)  # the new store is the one kept
    assert [p.name for p in fits.glob("*.pickle")] == [
        fitstore.store_path(typesetter.font_css).name
    ]
    assert list((fits / "words").glob("rjieba-*.pickle"))  # the heading words, apart

    # The next process reads the measurement back (no layout), and that counts as a use.
    os.utime(measured / new[0], (1, 1))
    again = Typesetter(session_css(load_config()))
    fitstore.load(again)
    build(SEED, tmp_path / "again", typesetter=again, archive=False)
    assert (measured / new[0]).stat().st_mtime > 1
    assert [p.exists() for p in stale] == [True, True, False, False]


def test_the_picture_cache_keeps_the_conversions_used_last(tmp_path):
    from newsprint.output import pictures

    grey_photo, rgb_photo = DATA / "photo-grey.tif", DATA / "photo-rgb.png"

    kept = (2, pictures.PICTURE_BYTES_KEPT)  # as locate_photo keeps .cache/pictures/
    old = _aged(tmp_path / "old-0123456789abcdef.jpg", "", 10_000)
    grey = pictures.prepare_picture(grey_photo, tmp_path, width_mm=15, kept=kept).path
    os.utime(grey, (1, 1))
    pictures.prepare_picture(grey_photo, tmp_path, width_mm=15, kept=kept)  # now used
    rgb = pictures.prepare_picture(rgb_photo, tmp_path, width_mm=40, kept=kept).path
    assert sorted(tmp_path.glob("*.jpg")) == sorted([grey, rgb]) and not old.exists()
    elsewhere = tmp_path / "out"  # a folder the caller chose is never pruned
    pictures.prepare_picture(grey_photo, elsewhere, width_mm=15)
    pictures.prepare_picture(rgb_photo, elsewhere, width_mm=40)
    pictures.prepare_picture(rgb_photo, elsewhere, width_mm=20)
    assert len(list(elsewhere.glob("*.jpg"))) == 3


def test_compiled_templates_are_kept_and_an_edited_one_compiled_anew(tmp_path):
    import jinja2

    from newsprint.compose.html import CompiledTemplates

    layout, kept = tmp_path / "layout", tmp_path / "kept"
    layout.mkdir()
    (layout / "t.j2").write_text("one {{ x }}", encoding="utf-8")

    def env():
        loader = jinja2.FileSystemLoader(str(layout))
        return jinja2.Environment(loader=loader, bytecode_cache=CompiledTemplates(kept))

    assert env().get_template("t.j2").render(x=1) == "one 1"
    assert len(list(kept.iterdir())) == 1  # written at the first compile
    assert env().get_template("t.j2").render(x=2) == "one 2"  # read back
    (layout / "t.j2").write_text("two {{ x }}", encoding="utf-8")
    assert env().get_template("t.j2").render(x=3) == "two 3"  # the edit, not the old code
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    loader = jinja2.FileSystemLoader(str(layout))
    unwritable = jinja2.Environment(loader=loader, bytecode_cache=CompiledTemplates(blocked))
    assert unwritable.get_template("t.j2").render(x=4) == "two 4"
