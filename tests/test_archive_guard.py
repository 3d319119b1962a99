"""The archive keeps only what may be kept: refusals, temp files of killed adds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_archive import cli, make_render

from newsprint.archive import catalogue as cat
from newsprint.archive import core as archive
from newsprint.archive.store import LocalStore


@pytest.fixture
def arch(tmp_path):
    a = archive.open_archive(tmp_path / "arc")
    yield a
    a.conn.close()


def _source_edit(folder: Path, role: str) -> Path:
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    path = Path(m["source" if role == "copy" else "edition_file"])
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"preflight": "failed"}, "the render failed its checks (preflight: failed)"),
        ({"preflight": None}, "no check verdict"),
        ({"archive_pdf": None, "archive_copy": False}, "has no archive copy"),
        ({"archive_copy": False}, "has no archive copy"),
        ({"copy_sha256": None}, "'copy_sha256' is missing"),
        ({"edition_sha256": "x"}, "'edition_sha256' is missing"),
        ("copy", "changed since it was rendered"),
        ("edition", "changed since it was rendered"),
    ],
    ids=["failed", "no verdict", "designer", "no copy flag", "old", "bad hash", "copy", "edition"],
)
def test_a_render_unfit_for_the_archive_is_refused_and_nothing_stored(tmp_path, change, expected):
    folder = make_render(tmp_path, "000_47b12d432780679e")
    manifest = folder / "manifest.json"
    named = manifest
    if isinstance(change, str):
        named = _source_edit(folder, change)
    else:
        m = json.loads(manifest.read_text(encoding="utf-8"))
        m.update(change)
        m = {k: v for k, v in m.items() if v is not None or k == "archive_pdf"}
        manifest.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    result = cli("add", str(folder), "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert f"error: {named}: " in result.stderr and "Traceback" not in result.stderr
    assert cat.count(cat.connect(tmp_path / "arc" / "catalogue.sqlite")) == 0
    assert list(LocalStore(tmp_path / "arc").digests()) == []


def test_a_real_render_is_archived(seed_build, tmp_path):
    result = archive.add_rendered(seed_build.out_dir, tmp_path / "arc")
    assert not result.duplicate and result.files == 7


def test_temps_of_killed_adds_are_reported_then_cleaned_by_the_next_add(tmp_path, arch):
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stray = arch.store.tmp / f"{'a' * 12}-{int(finished.stdout)}-half"  # its writer is gone
    stray.write_bytes(b"half an object")
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]) as writer:
        try:
            owned = arch.store.tmp / f"{'b' * 12}-{writer.pid}-busy"  # a running add's
            owned.write_bytes(b"being written")
            report = archive.verify(arch)
            assert report["stray_temps"] == 1 and report["stray_temp_files"] == [str(stray)]
            shown = cli("verify", "--archive", str(arch.root))
            assert shown.returncode == 0 and str(stray) in shown.stdout
            archive.add(arch, make_render(tmp_path, "000_47b12d432780679e"))
            assert not stray.exists() and owned.exists()
            assert archive.verify(arch)["stray_temps"] == 0
        finally:
            writer.kill()


def test_adding_an_out_folder_skips_a_renders_staging(tmp_path):
    make_render(tmp_path, "000_47b12d432780679e")
    staged = make_render(tmp_path, "hidden")
    staged.rename(tmp_path / "out" / ".hidden.k1ll3d")  # a killed run's staging folder
    assert archive.story_folders(tmp_path / "out") == [tmp_path / "out" / "000_47b12d432780679e"]
