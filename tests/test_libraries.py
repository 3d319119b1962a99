"""newsprint/libraries.py answers as ctypes.util.find_library does, without its
compiler runs: every name WeasyPrint tries, found or missing alike."""

from __future__ import annotations

import ctypes.util

from newsprint import libraries

NAMES = [
    name
    for stem in ("gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig")
    for name in (f"lib{stem}-0", stem, f"{stem}-0", f"lib{stem}.so.0", f"{stem}-vector-0")
] + ["pangoft2-1.0", "harfbuzz-vector", "c", "no-such-library-anywhere"]


def test_the_linker_cache_gives_what_find_library_gives():
    assert ctypes.util.find_library is libraries.find_library  # installed by `import newsprint`
    found = 0
    for name in NAMES:
        expected = libraries._original(name)
        assert libraries.find_library(name) == expected, name
        found += expected is not None
    assert found >= 6  # WeasyPrint's own libraries are there to be found
