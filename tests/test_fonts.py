"""The faces' coverage sets: kept beside each face, stamped, and re-made when stale."""

from __future__ import annotations

import shutil

from fontTools.ttLib import TTFont

from newsprint.typeset import fonts


def test_saved_coverage_is_the_faces_cmap_and_is_remade_when_stale(tmp_path):
    face = fonts.load_faces()["kai-regular"]
    copy = tmp_path / face.path.name
    shutil.copy(face.path, copy)
    stamp = copy.with_suffix(copy.suffix + ".sha256")
    stamp.write_text("a" * 64)
    with TTFont(copy, lazy=True) as font:
        truth = frozenset(font.getBestCmap())
    fonts.cmap_of.cache_clear()
    assert fonts.cmap_of(copy) == truth
    saved = copy.with_suffix(copy.suffix + ".cmap")
    assert saved.read_text(encoding="ascii").startswith("a" * 64 + "\n")
    fonts.cmap_of.cache_clear()
    assert fonts.cmap_of(copy) == truth  # read back from the saved ranges
    # a face re-extracted from a new source has a new stamp: the saved set is not trusted
    saved.write_text("a" * 64 + "\n65-65", encoding="ascii")
    fonts.cmap_of.cache_clear()
    assert fonts.cmap_of(copy) == frozenset({65})
    stamp.write_text("b" * 64)
    fonts.cmap_of.cache_clear()
    assert fonts.cmap_of(copy) == truth
    assert saved.read_text(encoding="ascii").startswith("b" * 64 + "\n")
    fonts.cmap_of.cache_clear()


def test_ranges_round_trip():
    points = frozenset({32, 33, 34, 0x4E00, 0x4E01, 0x9FA5, 0x20000})
    coverage = fonts.Coverage(fonts._ranges(points))
    assert frozenset(coverage) == points and coverage == points and len(coverage) == 7
    for code in range(0, 0x20010):  # membership by bisection: every point, in or out
        assert (code in coverage) == (code in points)
    assert fonts._ranges(points) == "32-34,19968-19969,40869-40869,131072-131072"


def test_a_face_that_cannot_load_is_a_warning_of_every_render():
    """A face the fetcher refuses (here outside the project) is logged when the
    Typesetter is made, not while a render collects warnings: each render reports it,
    so a render never silently falls back to the system's fonts."""
    from newsprint.typeset.typesetter import Typesetter

    css = '@font-face { font-family: "Stray"; src: url("file:///etc/hostname"); }'
    typesetter = Typesetter(css)
    for _ in range(2):
        _, warnings = typesetter.render("<p>字</p>", "")
        assert any(w.startswith("fonts: ") and "Stray" in w for w in warnings), warnings
