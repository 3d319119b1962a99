"""Shared fixtures: the seed rendered once per test session, story variants, goldens."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "000_47b12d432780679e.txt"
SEED_EDITION = ROOT / "source" / "000_47b12d432780679e.edition.toml"


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="re-make tests/golden/*.png from the current render",
    )


@pytest.fixture(scope="session", autouse=True)
def font_copies_removed():
    """WeasyPrint copies every @font-face file into a /tmp/weasyprint-* folder per
    FontConfiguration (127 MB with the CJK faces) and removes it only when that object is
    collected. The tests that lay out plain HTML with the faces left some 20 a file,
    12 GB a run, at interpreter exit: this session's are removed at its end."""
    import weasyprint.text.fonts as fonts

    made, original = [], fonts.mkdtemp

    def tracked(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    fonts.mkdtemp = tracked
    yield
    fonts.mkdtemp = original
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The seed story rendered to a temporary out/ folder (once for all tests)."""
    from newsprint.build import build

    out = tmp_path_factory.mktemp("out")
    return build(SEED, out)


@pytest.fixture
def story_dir(tmp_path):
    """A folder inside source/ (the renderer reads only project folders) for variants."""
    folder = ROOT / "source" / f".test-{tmp_path.name}"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def write_story(folder: Path, name: str, text: str, edition: str | None = None) -> Path:
    """A copy file with the seed's edition file beside it (or the one given)."""
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    (folder / f"{name}.edition.toml").write_text(
        edition if edition is not None else SEED_EDITION.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def off():
    """WeasyPrint as shipped (clreq uninstalled), so the faults clreq prevents show up."""
    from newsprint import clreq

    with clreq.switched(False):
        yield


@pytest.fixture
def on():
    """clreq installed, as the pipeline renders; the previous state restored after."""
    from newsprint import clreq

    with clreq.switched(True):
        yield


# Property-based tests (tests/test_fuzz.py): a few examples in `make test`, many in `make fuzz`.
settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile("fuzz", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


_TYPESETTER: list = []


def made_up(story, edition):
    """The make-up of a story model on its edition's pages (compose/makeup.py), for
    tests that compose the spread's HTML without rendering it."""
    from newsprint.build import session_css
    from newsprint.compose.headings import module_gap_lines
    from newsprint.compose.html import template_env
    from newsprint.compose.makeup import make_up
    from newsprint.config import load_config
    from newsprint.typeset.modules import measure_modules
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    fmt = config.page_format(edition.format)
    if not _TYPESETTER:
        _TYPESETTER.append(Typesetter(session_css(config)))
    env = template_env(fmt, config)
    heights, _ = measure_modules(story, fmt, config.makeup, _TYPESETTER[0], env)
    plan, _, _ = make_up(story, edition, fmt, config.makeup, heights, None, module_gap_lines())
    assert plan is not None, "the story does not make up on its pages"
    return plan
