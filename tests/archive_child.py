"""Child process for the archive's kill and concurrency tests.

    python tests/archive_child.py ARCHIVE RUN FOLDER...

Adds each render folder to ARCHIVE. With RUN other than "-", each folder is
first copied with its text and print page changed by RUN, so every run adds new
versions and a kill lands in real work, not in duplicate checks. Prints
"begin", then per story "adding NAME" before its add and "added ID VERSION"
after, and "done", each flushed, so the parent can kill it inside an add and
tell afterwards where the kill landed.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsprint.archive import core as archive  # noqa: E402


def variant(folder: Path, run: str, scratch: Path) -> Path:
    """A copy of a render folder whose text and first page differ by `run`."""
    dest = scratch / folder.name
    shutil.copytree(folder, dest)
    m = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    m["text"] += f"\n更正第{run}次"
    page = dest / m["pages"][0]["file"]
    page.write_bytes(page.read_bytes() + run.encode())
    (dest / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    return dest


def main() -> int:
    root, run, folders = Path(sys.argv[1]), sys.argv[2], [Path(p) for p in sys.argv[3:]]
    arch = archive.open_archive(root)
    print("begin", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for folder in folders:
            src = folder if run == "-" else variant(folder, run, Path(tmp))
            print("adding", folder.name, flush=True)
            r = archive.add(arch, src)
            print("added", r.id, r.version, flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
