"""Caches on disk stay bounded: each keeps the files it used most recently.

`.cache/measure/` gains a file for every state of every story rendered, `.cache/fit/`
one for every release of the code or change of the faces, `.cache/pictures/` a CMYK
conversion of every photo placed: a desk renders hundreds of stories a day, so
without a bound the folder grows for good. A file's modification time is its last
use (`used` touches a file the cache answered from), and `prune`, run when a cache has
written a new file, removes the least recently used beyond the cache's bound. A file
another render is about to read may go: every cache treats a missing file as a miss.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def chosen_folder(inside: str, default: Path) -> Path | None:
    """Where a render keeps a cache: `default`, or `inside` the folder the environment's
    NEWSPRINT_FIT_CACHE names (the benchmarks' new story), or None when it is `off`."""
    chosen = os.environ.get("NEWSPRINT_FIT_CACHE", "")
    if chosen == "off":
        return None
    return Path(chosen) / inside if chosen else default


def write_whole(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all: a render beside this one reads the old
    file or the new, never half of one (the temporary file is this process's own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def used(path: Path) -> None:
    """Mark a cached file as just used (a read-only folder keeps its old time)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path, pattern: str, keep: int, max_bytes: int | None = None) -> int:
    """Remove the files of `folder` matching `pattern` beyond the `keep` most recently
    used, and beyond `max_bytes` together; returns how many went."""
    found = []
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            info = path.stat()
            found.append((info.st_mtime_ns, path.name, info.st_size, path))
    found.sort(reverse=True)
    total, removed = 0, 0
    for index, (_, _, size, path) in enumerate(found):
        total += size
        if index >= keep or (max_bytes is not None and total > max_bytes and index > 0):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed
