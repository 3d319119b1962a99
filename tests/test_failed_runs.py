"""A failed run leaves nothing that could go to the plant: only a proof stamped FAILED,
with the earlier run's files set aside; a good run's files appear only once all passed."""

from __future__ import annotations

import json
import os
import time

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import SEED, SEED_EDITION, write_story
from PIL import Image, ImageChops

from newsprint.build import BuildFailed, build
from newsprint.output.proof import rasterise
from newsprint.output.stage import STALE_S, STAMP, Staging, stamp

SEED_TEXT = SEED.read_text(encoding="utf-8")
EARLIER = ["2026-12-01-archive.pdf", "20261201-p04-p05-spread.png", "manifest.json"]
EARLIER += ["20261201-p04-print.pdf", "20261201-p05-print.pdf"]


def page_texts(path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_stamp_marks_every_page_in_red(tmp_path):
    path = tmp_path / "x.pdf"
    with pikepdf.new() as pdf:
        for _ in range(3):
            pdf.add_blank_page(page_size=(300, 400))
        pdf.save(path)
    stamp(path)
    assert all(text.count(STAMP) == 2 for text in page_texts(path))
    for image in rasterise(path, 36):
        r, g, _b = image.split()
        red = ImageChops.multiply(
            r.point(lambda v: 255 * (v > 200)), g.point(lambda v: 255 * (v < 80))
        )
        red = red.histogram()[255]
        assert red > image.width * image.height * 0.02


def test_failed_run_leaves_only_a_stamped_proof_and_sets_the_earlier_run_aside(story_dir, tmp_path):
    path = write_story(story_dir, "run", SEED_TEXT)
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "20261130-p04-print.pdf").write_bytes(b"an older edition's page")
    (folder / "20261201-FAILED-proof.pdf").write_bytes(b"an older failure")

    good = build(path, tmp_path)
    assert files(folder) == sorted(EARLIER + ["superseded/1/20261130-p04-print.pdf"])
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no staging folder left
    assert good.print_pdfs == [folder / "20261201-p04-print.pdf", folder / "20261201-p05-print.pdf"]
    assert any(
        f.rule == "superseded" and "20261130-p04-print.pdf" in f.message for f in good.findings
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["preflight"] == "passed" and manifest["archive_copy"] is True

    # a picture too coarse to print: laid out, then stopped by the preflight
    Image.new("RGB", (800, 500), (120, 160, 200)).save(story_dir / "small.jpg", quality=90)
    edition = SEED_EDITION.read_text(encoding="utf-8").replace('file = ""', 'file = "small.jpg"')
    path.with_suffix(".edition.toml").write_text(edition, encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(path, tmp_path)
    assert files(folder) == sorted(
        ["20261201-FAILED-proof.pdf", "superseded/1/20261130-p04-print.pdf"]
        + [f"superseded/2/{name}" for name in EARLIER]
    )
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
    (moved,) = [f for f in failed.value.findings if f.rule == "superseded"]
    assert moved.level == "warning" and str(folder / "superseded" / "2") in moved.message
    assert failed.value.moved[folder / "20261201-p04-print.pdf"] == (
        folder / "superseded/2/20261201-p04-print.pdf"
    )
    texts = page_texts(folder / "20261201-FAILED-proof.pdf")
    assert len(texts) == 2 and all(STAMP in t for t in texts)


def test_preflight_failure_writes_no_print_pdf(story_dir, tmp_path):
    Image.new("RGB", (800, 500), (120, 160, 200)).save(story_dir / "small.jpg", quality=90)
    edition = SEED_EDITION.read_text(encoding="utf-8").replace('file = ""', 'file = "small.jpg"')
    path = write_story(story_dir, "lowres", SEED_TEXT, edition)
    with pytest.raises(BuildFailed) as failed:
        build(path, tmp_path)
    errors = [f for f in failed.value.findings if f.level == "error"]
    assert errors and all(f.rule == "image-resolution" for f in errors), errors
    assert str(tmp_path / "lowres" / "20261201-p04-print.pdf") in {f.path for f in errors}
    assert files(tmp_path) == ["lowres/20261201-FAILED-proof.pdf"]
    assert all(STAMP in t for t in page_texts(tmp_path / "lowres" / "20261201-FAILED-proof.pdf"))


def test_a_bad_edition_sets_earlier_files_aside_and_the_studio_keeps_its_proof(story_dir, tmp_path):
    from newsprint.studio.session import Session, render_once

    path = write_story(story_dir, "desk", SEED_TEXT)
    session = Session(story=path, out_root=tmp_path, parallel=False)
    assert render_once(session)
    folder = tmp_path / "desk"
    proof = session.proof
    assert proof == folder / "20261201-p04-p05-spread.png" and proof.is_file()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["archive_copy"] is False and manifest["grid_proof"] is False

    edition = path.with_suffix(".edition.toml")
    edition.write_text(
        edition.read_text(encoding="utf-8").replace("number = 5", "number = 4"), encoding="utf-8"
    )
    assert not render_once(session)
    assert any("page 4 is given twice" in f.message for f in session.findings)
    assert not list(folder.glob("*.*"))  # nothing left beside superseded/
    assert session.proof == folder / "superseded" / "1" / proof.name and session.proof.is_file()


def test_staging_left_by_a_killed_run_goes_on_the_next_run(tmp_path):
    old, fresh = tmp_path / ".desk.k1ll3d", tmp_path / ".desk.running"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "20261201-p04-print.pdf").write_bytes(b"half written")
    os.utime(old, (time.time() - 2 * STALE_S, time.time() - 2 * STALE_S))
    with Staging(tmp_path / "desk") as staging:
        assert staging.dir.parent == tmp_path and staging.dir.name.startswith(".desk.")
        assert not old.exists() and fresh.exists()  # another run's may be in use
    assert not staging.dir.exists()
