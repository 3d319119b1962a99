"""Content-addressed file store for the archive.

Files are named by their SHA-256, so the same bytes are kept once however many
stories name them, and a file can be checked against its name at any time.
The archive only talks to `Store`, so an S3-compatible bucket can become a
second backend (put → PUT object, exists → HEAD, verify → GET and hash) without
touching the catalogue or the commands.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from newsprint.errors import UserError

CHUNK = 1 << 20
DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")
TEMP_RE = re.compile(r"^[0-9a-f]{12}-(\d+)-")
STALE_S = 3600
OK, MISSING, ALTERED = "ok", "missing", "altered"


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks so large PDFs do not fill memory."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class Store(Protocol):
    """Where archived bytes live, addressed by their SHA-256."""

    def put(self, path: Path, digest: str | None = None) -> bool:
        """Store a file, complete and synced before returning (the catalogue names it
        next); True when new bytes were written, False when they were already there."""

    def get(self, digest: str) -> bytes:
        """The stored bytes; UserError when missing or altered."""

    def exists(self, digest: str) -> bool:
        """Whether an object with this digest is stored (not re-hashed)."""

    def verify(self, digest: str) -> str:
        """Re-hash one object: OK, MISSING or ALTERED."""

    def digests(self) -> Iterator[str]:
        """Every digest stored, for finding objects no story names."""

    def where(self, digest: str) -> str:
        """Where an object lives, for messages: a file path, or a URL for a bucket."""

    def stray_temps(self) -> list:
        """Leftovers of interrupted writes (temp files; for S3, unfinished uploads)."""

    def clean_temps(self) -> int:
        """Remove the leftovers no running write still owns; how many went."""


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` survive a power cut (POSIX needs the folder synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStore:
    """Objects under root/objects/ab/abcdef…; writes go through root/tmp and a rename.

    A temp file is written and fsynced, then renamed into place and the folder
    fsynced, so an object either is complete under its name or is not there.
    A process killed mid-write leaves only a stray file in tmp/, never a torn object.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.tmp = self.root / "tmp"
        try:
            self.objects.mkdir(parents=True, exist_ok=True)
            self.tmp.mkdir(exist_ok=True)
            if not (self.objects / "ff").is_dir():
                for i in range(256):
                    (self.objects / f"{i:02x}").mkdir(exist_ok=True)
                _fsync_dir(self.objects)
                _fsync_dir(self.root)
        except OSError as e:
            raise UserError(
                f"{self.root}: cannot create the archive folder ({e.strerror}); "
                "choose another with --archive DIR or NEWSPRINT_ARCHIVE"
            ) from None

    def path(self, digest: str) -> Path:
        if not DIGEST_RE.match(digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
        return self.objects / digest[:2] / digest

    def put(self, path: Path, digest: str | None = None) -> bool:
        digest = digest or sha256_file(path)
        dest = self.path(digest)
        if dest.exists() and self.verify(digest) == OK:
            return False
        tmp = None
        try:
            fd, name = tempfile.mkstemp(dir=self.tmp, prefix=f"{digest[:12]}-{os.getpid()}-")
            tmp = Path(name)
            h = hashlib.sha256()
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                while chunk := src.read(CHUNK):
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fchmod(out.fileno(), 0o444)  # archived bytes are never edited in place
                os.fsync(out.fileno())
            if h.hexdigest() != digest:
                raise UserError(f"{path}: the file changed while it was being archived; add again")
            os.replace(tmp, dest)
        except BaseException as e:
            if tmp:
                tmp.unlink(missing_ok=True)
            if isinstance(e, OSError):
                raise UserError(
                    f"{e.filename or path}: {e.strerror}; check the space and permissions "
                    f"of {self.root}"
                ) from None
            raise
        _fsync_dir(dest.parent)
        return True

    def get(self, digest: str) -> bytes:
        p = self.path(digest)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise UserError(
                f"{p}: archived file is missing; run `archive verify` and restore it from backup"
            ) from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise UserError(f"{p}: archived file is altered (hash differs); restore it from backup")
        return data

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def verify(self, digest: str) -> str:
        p = self.path(digest)
        try:
            return OK if sha256_file(p) == digest else ALTERED
        except FileNotFoundError:
            return MISSING

    def digests(self) -> Iterator[str]:
        for sub in sorted(self.objects.iterdir()):
            if sub.is_dir():
                for f in sorted(sub.iterdir()):
                    if DIGEST_RE.match(f.name):
                        yield f.name

    def where(self, digest: str) -> str:
        return str(self.path(digest))

    def stray_temps(self) -> list[Path]:
        """Leftovers of adds that were killed mid-write: harmless, safe to delete."""
        return sorted(p for p in self.tmp.iterdir() if not _owned(p))

    def clean_temps(self) -> int:
        """Delete the temp files of killed adds; a running add's own are left alone."""
        stray = self.stray_temps()
        for path in stray:
            path.unlink(missing_ok=True)
        return len(stray)


def _owned(temp: Path) -> bool:
    """Whether a temp file belongs to a process still running (its pid is in the name:
    `<digest[:12]>-<pid>-…`). One without a pid is an older newsprint's, stray when
    older than STALE_S; a pid reused since is at worst a leftover kept for one more add."""
    found = TEMP_RE.match(temp.name)
    if not found:
        try:
            return time.time() - temp.stat().st_mtime < STALE_S
        except FileNotFoundError:
            return True  # its add just finished
    try:
        os.kill(int(found.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True
