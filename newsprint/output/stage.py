"""Where a run's files land: nothing reaches out/<story>/ before every check has passed.

A run writes into a hidden staging folder beside out/<story>/ and moves its files
in only when the fit, the dropped-text check and the preflight have all passed, so
the folder never holds a print PDF that failed, nor a mix of two runs. A failed run
leaves in out/<story>/ only its proof, stamped FAILED — NOT FOR PRINT on every page,
and moves the earlier run's files aside into superseded/<n>/: nothing in the folder
can then go to the plant, or into the archive, by mistake.
"""

from __future__ import annotations

import contextlib
import glob
import math
import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pikepdf

from newsprint.errors import Finding

OUTPUTS = ("*-print.pdf", "*-archive.pdf", "*-spread.png", "manifest.json")  # a run's files
FAILED = "*-FAILED-proof.pdf"
SUPERSEDED = "superseded"
STAMP = "FAILED \u2014 NOT FOR PRINT"
STALE_S = 3600  # a staging folder this old belongs to a run that was killed


class Staging:
    """A hidden folder beside out/<story>/ for one run; removed on leaving the `with`."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(out_dir)
        self.dir = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def relocate(self, findings: list[Finding]) -> list[Finding]:
        """Findings about staged files, named by where those files go (out/<story>/…)."""
        return [
            replace(f, path=str(self.out_dir / Path(f.path).relative_to(self.dir)))
            if f.path and Path(f.path).is_relative_to(self.dir)
            else f
            for f in findings
        ]

    def commit(self) -> list[Finding]:
        """Every check passed: move the new files in, set aside earlier ones they don't
        replace (another date or page numbers), and drop a stale FAILED proof."""
        self.out_dir.mkdir(exist_ok=True)
        new = sorted(p.name for p in self.dir.iterdir())
        stale = [p for p in earlier_outputs(self.out_dir) if p.name not in new]
        _moved, findings = set_aside(self.out_dir, stale, "they are not this run's files")
        for old in self.out_dir.glob(FAILED):
            old.unlink()
        for name in new:
            os.replace(self.dir / name, self.out_dir / name)
        return findings


def fail(out_dir: Path, proof: Path | None) -> tuple[dict[Path, Path], list[Finding]]:
    """The run failed: earlier files aside, only the failed `proof` (if any) moved in."""
    moved, findings = set_aside(out_dir, earlier_outputs(out_dir), "they do not match the copy now")
    for old in out_dir.glob(FAILED) if out_dir.is_dir() else ():
        old.unlink()
    if proof is not None:
        out_dir.mkdir(exist_ok=True)
        os.replace(proof, out_dir / proof.name)
        findings.append(Finding("note", f"proof of the failed layout: {out_dir / proof.name}"))
    return moved, findings


def _remove_stale(out_dir: Path) -> None:
    """Staging folders of this story left by a killed run (older than STALE_S: a run
    going on at the same time, say the studio's, is never that old)."""
    now = time.time()
    for folder in out_dir.parent.glob(f".{glob.escape(out_dir.name)}.*"):
        with contextlib.suppress(OSError):
            if folder.is_dir() and now - folder.stat().st_mtime > STALE_S:
                shutil.rmtree(folder)


def earlier_outputs(out_dir: Path) -> list[Path]:
    """The files an earlier run left in out/<story>/ (never the superseded/ ones)."""
    if not out_dir.is_dir():
        return []
    return sorted({p for pattern in OUTPUTS for p in out_dir.glob(pattern) if p.is_file()})


def set_aside(out_dir: Path, paths: list[Path], why: str) -> tuple[dict[Path, Path], list[Finding]]:
    """Move `paths` into out/<story>/superseded/<n>/ (n one more than the last) and say so."""
    if not paths:
        return {}, []
    shelf = out_dir / SUPERSEDED
    taken = [int(p.name) for p in shelf.iterdir() if p.name.isdigit()] if shelf.is_dir() else []
    target = shelf / str(max(taken, default=0) + 1)
    target.mkdir(parents=True)
    moved = {}
    for path in paths:
        moved[path] = target / path.name
        os.replace(path, moved[path])
    names = ", ".join(p.name for p in paths)
    message = (
        f"moved the earlier {names} aside into {target}: {why}; "
        "do not send them to the plant or the archive"
    )
    return moved, [Finding("warning", message, str(out_dir), 0, "superseded")]


def write_failed_proof(document, target: Path) -> Path:
    """The failed layout as a PDF to look at, stamped FAILED — NOT FOR PRINT on every page."""
    document.write_pdf(target)
    stamp(target)
    return target


def stamp(path: Path, text: str = STAMP) -> None:
    """Draw `text` across every page in red, with a red frame, over whatever is there.

    Helvetica-Bold is one of the PDF standard fonts: no font is embedded, and the
    stamp cannot be mistaken for the page's own type.
    """
    encoded = "".join(f"\\{b:03o}" if b > 126 else chr(b) for b in text.encode("cp1252"))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name("/Helvetica-Bold"),
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        for page in pdf.pages:
            page.add_resource(font, pikepdf.Name.Font, pikepdf.Name("/NPFailed"))
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, _stamp_ops(x0, y0, x1, y1, encoded, len(text))))
        pdf.save(path)


def _stamp_ops(x0: float, y0: float, x1: float, y1: float, text: str, chars: int) -> bytes:
    """Content operators: a frame, the text along the diagonal and once along the top."""
    width, height = x1 - x0, y1 - y0
    angle = math.atan2(height, width)
    size = math.hypot(width, height) * 0.8 / (0.72 * chars)  # Helvetica-Bold caps ≈ 0.72 em
    half = 0.72 * chars * size / 2
    cos, sin = math.cos(angle), math.sin(angle)
    x = x0 + width / 2 - half * cos + size * 0.35 * sin
    y = y0 + height / 2 - half * sin - size * 0.35 * cos
    top = min(36.0, width / (0.75 * chars))
    ops = (
        "\nQ q 1 0 0 RG 1 0 0 rg 8 w\n"
        f"{x0 + 8:.2f} {y0 + 8:.2f} {width - 16:.2f} {height - 16:.2f} re S\n"
        f"BT /NPFailed {size:.2f} Tf {cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} Tm"
        f" ({text}) Tj ET\n"
        f"BT /NPFailed {top:.2f} Tf 1 0 0 1 {x0 + 20:.2f} {y1 - 20 - top:.2f} Tm ({text}) Tj ET\n"
        "Q\n"
    )
    return ops.encode("ascii")
