"""The fit cache on disk: a cold `render.py` starts with the outcomes earlier runs found.

A Typesetter's fit cache maps a layout key (fit.layout_key: the composed pages, the
grid, the faces, the CSS but its colours) to the plan the fit settled on and the fit
it measured. In memory it makes the designer's second render one layout pass instead
of three; kept here it does the same for the next process. An entry is only a hint:
fit.lay_out renders the cached plan and keeps it only when the page measures as
recorded, else it fits from scratch, so a stale entry costs one pass, never a page.

The file is named by a digest of the code that lays pages out (this package's
compose, typeset and clreq sources, WeasyPrint's version) and of the faces, so a new
release or a new face starts afresh. NEWSPRINT_FIT_CACHE names another folder (the
measurements go in its measure/), or `off` for neither (a new story's first render).
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import weasyprint

from newsprint import caches
from newsprint.compose import headings
from newsprint.compose.words import keep_words, known_words
from newsprint.config import PROJECT_ROOT

FOLDER = PROJECT_ROOT / ".cache" / "fit"
MEASURE_FOLDER = PROJECT_ROOT / ".cache" / "measure"
PACKAGE = Path(__file__).resolve().parent.parent
CODE = ("compose", "typeset", "clreq", "story")
RULES = ("hanzi.py",)
MOST = 500  # entries kept, the latest
STORES_KEPT = 16  # files of .cache/fit/ kept, the latest used


def folder() -> Path | None:
    """Where the fits are kept: .cache/fit/, or the folder NEWSPRINT_FIT_CACHE names;
    None when it is `off`."""
    return caches.chosen_folder("", FOLDER)


def measure_folder() -> Path | None:
    """Where module measurements are kept (typeset/modules.py): .cache/measure/, or
    measure/ in the folder NEWSPRINT_FIT_CACHE names; none when it is `off`."""
    return caches.chosen_folder("measure", MEASURE_FOLDER)


def store_path(font_css: str) -> Path | None:
    where = folder()
    if where is None:
        return None
    digest = hashlib.sha256(code_digest().encode() + font_css.encode())
    return where / f"{digest.hexdigest()[:24]}.pickle"


def code_digest() -> str:
    """A digest of the code that lays pages out and of WeasyPrint's version."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for name in CODE:
        for source in sorted((PACKAGE / name).glob("*.py")):
            digest.update(source.name.encode() + source.read_bytes())
    for source in RULES:  # the limits the breaker keeps (hanzi.TIGHT_EM …)
        digest.update(source.encode() + (PACKAGE / source).read_bytes())
    pins = PROJECT_ROOT / "pyproject.toml"  # rjieba's version (the headings' cuts)
    if pins.is_file():
        digest.update(pins.read_bytes())
    return digest.hexdigest()


def load(typesetter) -> None:
    """Fill the typesetter's empty fit cache from disk (an unreadable file is no cache),
    and the headings' word cuts (compose/headings.CUTS) from .cache/words/."""
    path = store_path(typesetter.font_css)
    typesetter.fit_store = path
    if path is None or typesetter.fit_cache is None:
        return
    headings.CUTS.update(known_words())
    typesetter.cuts_stored = len(headings.CUTS)
    if not path.is_file():
        return
    try:
        entries = pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a torn or old file: fit afresh, rewrite it
        return
    caches.used(path)
    if isinstance(entries, dict):
        typesetter.fit_cache.update(entries)
    typesetter.fit_stored = set(typesetter.fit_cache)


def save(typesetter) -> None:
    """Write the typesetter's fit cache back when a render added to it (and new cuts)."""
    path = getattr(typesetter, "fit_store", None)
    if path is not None and len(headings.CUTS) != getattr(typesetter, "cuts_stored", -1):
        keep_words(headings.CUTS)
        typesetter.cuts_stored = len(headings.CUTS)
    cache = typesetter.fit_cache
    if path is None or cache is None or set(cache) == getattr(typesetter, "fit_stored", set()):
        return
    kept = dict(list(cache.items())[-MOST:])
    caches.write_whole(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    typesetter.fit_stored = set(kept)
    caches.prune(path.parent, "*.pickle", STORES_KEPT)
