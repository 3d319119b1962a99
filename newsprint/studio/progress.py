"""A one-line progress bar for long work (rasterising, re-rendering) in a terminal."""

from __future__ import annotations

import sys


def progress_printer(stream=sys.stderr):
    """A one-line progress display for terminals; silent when output is not a terminal."""
    if not stream.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        bar = "#" * round(20 * done / max(total, 1))
        end = "\n" if done == total else ""
        print(f"\r  [{bar:<20}] {done}/{total} {what[:40]:<40}", end=end, file=stream, flush=True)

    return show
