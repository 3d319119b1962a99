"""The store both sides reach: jobs' inputs go in, the rendered files come back.

Bytes live in the archive's content-addressed Store (archive/store.py: a local or
shared folder now, an S3-compatible bucket later), so a file is complete under
its hash or not there, and the same bytes written twice (a job run again after a
lost worker) are one object. A finished job leaves a record (JSON, in the store
too) and a ref from its key to that record: the next run with the same key takes
the record instead of rendering again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from newsprint.archive.store import DIGEST_RE, LocalStore
from newsprint.errors import Finding, UserError


class Results:
    """A Store for the bytes plus refs/<key> naming each finished job's record."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.store = LocalStore(self.root)
        self.refs = self.root / "refs"
        self.incoming = self.root / "incoming"
        try:
            self.refs.mkdir(exist_ok=True)
            self.incoming.mkdir(exist_ok=True)
        except OSError as e:
            raise UserError(
                f"{self.root}: cannot use the store ({e.strerror}); "
                "give another folder with --store DIR"
            ) from None

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if self.store.exists(digest):
            return digest
        fd, name = tempfile.mkstemp(dir=self.incoming, prefix=f"{os.getpid()}-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            self.store.put(Path(name), digest)
        finally:
            Path(name).unlink(missing_ok=True)
        return digest

    def put_file(self, path: Path) -> str:
        return self.put_bytes(path.read_bytes())

    def get(self, digest: str) -> bytes:
        return self.store.get(digest)

    def has(self, digest: str) -> bool:
        return self.store.exists(digest)

    def save_record(self, record: dict, key: str | None = None) -> str:
        """Store a job's record; with `key`, name it as that job's result."""
        digest = self.put_bytes(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
        if key is not None:
            if not DIGEST_RE.match(key):
                raise ValueError(f"not a job key: {key!r}")
            fd, name = tempfile.mkstemp(dir=self.incoming, prefix=f"ref-{os.getpid()}-")
            with os.fdopen(fd, "w") as out:
                out.write(digest)
            os.replace(name, self.refs / key)
        return digest

    def record(self, digest: str) -> dict:
        return json.loads(self.get(digest))

    def cached(self, key: str) -> dict | None:
        """The record of a finished job with this key, if it and all its files are here."""
        try:
            digest = (self.refs / key).read_text().strip()
        except FileNotFoundError:
            return None
        if not DIGEST_RE.match(digest) or not self.has(digest):
            return None
        record = self.record(digest)
        if not all(self.has(d) for d in record.get("files", {}).values()):
            return None
        return record


def finding_json(f: Finding) -> dict:
    return {"level": f.level, "message": f.message, "path": f.path, "line": f.line, "rule": f.rule}


def finding_from(data: dict) -> Finding:
    return Finding(
        data["level"],
        data["message"],
        data.get("path", ""),
        int(data.get("line", 0)),
        data.get("rule", ""),
    )
