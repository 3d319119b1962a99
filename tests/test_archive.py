"""The archive: adds are durable and deduplicated, search finds Chinese, verify catches loss."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED

from newsprint.archive import catalogue as cat
from newsprint.archive import core as archive
from newsprint.archive.store import ALTERED, MISSING, OK, LocalStore
from newsprint.errors import UserError

SEED_TEXT = "\n".join(
    line.lstrip("#> ").strip()
    for line in SEED.read_text(encoding="utf-8").splitlines()
    if line.strip()
)
OTHER_TEXT = (
    "本报讯 今年秋粮收购工作全面展开,全市粮食收购量稳步增长。\n"
    "在城郊的收购点,售粮农户排起长队,烘干设备昼夜运转。\n"
    "记者随后走访江畔新村,村里的合作社正在清点仓容,预计月底前收购完毕。\n"
    "一位老农说,今年风调雨顺,收成比去年好,最后一站是桂湾"
)


def make_render(base: Path, name: str, text: str = SEED_TEXT, **kw) -> Path:
    """A render folder out/<name>/ as the render step leaves it, and its source copy."""
    date, paper = kw.get("date", "2026-12-01"), kw.get("paper", "示例日报")
    src = base / "source"
    src.mkdir(parents=True, exist_ok=True)
    (src / f"{name}.txt").write_text(text, encoding="utf-8")
    edition = f'paper = "{paper}"\ndate = {date}\n'
    (src / f"{name}.edition.toml").write_text(edition, "utf-8")
    out = base / "out" / name
    out.mkdir(parents=True)
    pages = []
    for number, section in kw.get("pages", [(5, "专题"), (6, "专题")]):
        file = f"{date.replace('-', '')}-p{number:02d}-print.pdf"
        (out / file).write_bytes(b"%PDF-1.7 print page " + kw.get("pdf", b"") + bytes([number]))
        pages.append({"number": number, "section": section, "file": file})
    (out / "archive.pdf").write_bytes(b"%PDF-1.7 PDF/A copy " + text[:50].encode())
    (out / "spread.png").write_bytes(b"\x89PNG proof")
    manifest = {
        "story": name,
        "source": str(src / f"{name}.txt"),
        "edition_file": str(src / f"{name}.edition.toml"),
        "copy_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "edition_sha256": hashlib.sha256(edition.encode()).hexdigest(),
        "preflight": "passed",
        "archive_copy": True,
        "grid_proof": False,
        "paper": paper,
        "date": date,
        "edition": kw.get("edition", "第1234期"),
        "format": "duikai",
        "pages": pages,
        "archive_pdf": "archive.pdf",
        "proof": "spread.png",
        "kicker": kw.get("kicker", "践行“三高四新” 打造“一区两城”"),
        "headline": kw.get("headline", "朝着建设现代化新荷塘目标奋勇前进"),
        "headlines": [kw.get("headline", "朝着建设现代化新荷塘目标奋勇前进")],
        "bylines": kw.get("bylines", ["何威宪", "唐珺泽"]),
        "speakers": kw.get("speakers", ["黄婷", "钟颖"]),
        "text": text,
        "tool_version": "0.1.0",
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return out


def other_render(base: Path) -> Path:
    return make_render(
        base,
        "001_autumn_grain",
        OTHER_TEXT,
        date="2025-03-02",
        paper="株洲日报",
        headline="秋粮收购进度过半 田间地头见丰收",
        kicker="",
        bylines=["林晓"],
        speakers=[],
        pages=[(2, "经济")],
        edition="第7001期",
    )


@pytest.fixture
def arch(tmp_path):
    a = archive.open_archive(tmp_path / "arc")
    yield a
    a.conn.close()


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsprint.archive", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )


def found(arch, query: str, **filters) -> list[int]:
    out = archive.search(arch, query.split(), cat.Filters(**filters), 20, False)
    return [r["id"] for r in out["results"]]


def assert_consistent(root: Path) -> int:
    """Catalogue and files agree: the invariant a kill must never break. Returns #stories."""
    a = archive.open_archive(root)
    try:
        report = archive.verify(a)
        assert report["problems"] == [] and report["catalogue"] == ["ok"]
        assert all(a.store.verify(d) == OK for d in a.store.digests())  # no torn objects
        a.conn.execute("INSERT INTO story_fts (story_fts) VALUES ('integrity-check')")
        n = cat.count(a.conn)
        assert a.conn.execute("SELECT count(*) FROM story_text").fetchone()[0] == n
        bad = a.conn.execute(
            "SELECT story FROM stories GROUP BY paper, date, story "
            "HAVING sum(current) != 1 OR max(version) != count(*) "
            "OR max(CASE WHEN current THEN version END) != max(version)"
        ).fetchall()
        assert bad == []
        return n
    finally:
        a.conn.close()


def test_add_stores_every_file_by_hash_and_records_the_story(tmp_path):
    folder = make_render(tmp_path, "000_47b12d432780679e")
    r = archive.add_rendered(folder, tmp_path / "arc")
    assert (r.story, r.version, r.duplicate, r.files, r.new_files) == (
        "000_47b12d432780679e",
        1,
        False,
        7,
        7,
    )
    a = archive.open_archive(tmp_path / "arc")
    shown = archive.show(a, str(r.id))
    assert shown["paper"] == "示例日报" and shown["date"] == "2026-12-01"
    assert shown["edition"] == "第1234期" and shown["pages"] == [5, 6]
    assert shown["section"] == "专题" and shown["kicker"] == "践行“三高四新” 打造“一区两城”"
    assert shown["headline"] == "朝着建设现代化新荷塘目标奋勇前进"
    assert shown["bylines"] == ["何威宪", "唐珺泽"] and shown["speakers"] == ["黄婷", "钟颖"]
    assert shown["tool_version"] == "0.1.0" and shown["rendered_at"] and shown["added_at"]
    originals = {p.name: p for p in [*folder.iterdir(), *(tmp_path / "source").iterdir()]}
    assert sorted(f["role"] for f in shown["files"]) == [
        "archive",
        "edition",
        "manifest",
        "page",
        "page",
        "proof",
        "source",
    ]
    for f in shown["files"]:
        data = originals[f["name"]].read_bytes()
        assert f["sha256"] == hashlib.sha256(data).hexdigest() and f["size"] == len(data)
        assert a.store.path(f["sha256"]).read_bytes() == data
    a.conn.close()


def test_the_same_render_added_twice_is_recognised(tmp_path, arch):
    folder = make_render(tmp_path, "000_47b12d432780679e")
    first = archive.add(arch, folder)
    again = archive.add(arch, folder)
    assert again.duplicate and (again.id, again.version) == (first.id, 1)
    assert cat.count(arch.conn) == 1
    result = cli("add", str(tmp_path / "out"), "--archive", str(arch.root))
    assert result.returncode == 0 and "already archived as #1 v1" in result.stdout


def test_a_corrected_render_keeps_both_versions_newest_first(tmp_path, arch):
    first = archive.add(arch, make_render(tmp_path / "a", "000_47b12d432780679e"))
    fixed_text = SEED_TEXT.replace("乡村振兴全面推进", "乡村振兴全面深入推进")
    fixed = archive.add(
        arch, make_render(tmp_path / "b", "000_47b12d432780679e", fixed_text, pdf=b"v2")
    )
    assert not fixed.duplicate and fixed.version == 2 and fixed.id != first.id
    shown = archive.show(arch, "000_47b12d432780679e")
    assert shown["id"] == fixed.id
    assert [(v["id"], v["version"]) for v in shown["versions"]] == [(fixed.id, 2), (first.id, 1)]
    assert found(arch, "乡村振兴") == [fixed.id]
    assert found(arch, "乡村振兴", all_versions=True) == [fixed.id, first.id]
    assert found(arch, "全面深入推进") == [fixed.id]
    assert cat.list_stories(arch.conn, cat.Filters(), 20)[0] == 1
    assert archive.show(arch, str(first.id))["current"] is False
    assert archive.export(arch, str(first.id), tmp_path / "old")  # the old one is still whole


def test_search_finds_chinese_words_of_any_length(tmp_path, arch):
    seed = archive.add(arch, make_render(tmp_path, "000_47b12d432780679e")).id
    grain = archive.add(arch, other_render(tmp_path)).id
    assert found(arch, "乡村振兴") == [seed]
    assert found(arch, "荷塘") == [seed]  # two characters
    assert found(arch, "粮食") == [grain]
    assert found(arch, "桂湾") == [grain]  # two characters at the very end of the text
    assert found(arch, "丰收") == [grain]  # two characters at the end of a headline
    assert found(arch, "林晓") == [grain]  # a byline is searchable text too
    assert found(arch, "荷 ") == [seed]  # one character: scanned, not counted
    assert archive.search(arch, ["荷"], cat.Filters(), 20, False)["total"] is None
    assert found(arch, "荷塘 乡村振兴") == [seed]  # every word must occur
    assert found(arch, "荷塘 桂湾") == [] and found(arch, "月球基地") == []
    assert found(arch, "湾桂") == []  # a pair that never occurs
    hit = archive.search(arch, ["乡村振兴"], cat.Filters(), 20, True)["results"][0]
    assert hit["pages"] == [5, 6] and hit["date"] == "2026-12-01"
    assert [hit["snippet"][s:e] for s, e in hit["highlights"]][0] == "乡村振兴"


def test_search_filters_by_byline_date_paper_and_section(tmp_path, arch):
    seed = archive.add(arch, make_render(tmp_path, "000_47b12d432780679e")).id
    grain = archive.add(arch, other_render(tmp_path)).id
    assert "的" in SEED_TEXT and "的" in OTHER_TEXT
    assert found(arch, "的") == [seed, grain]  # newest date first
    assert found(arch, "的", byline="何威宪") == [seed]
    assert found(arch, "的", byline="林晓") == [grain]
    assert found(arch, "的", byline="何威") == []  # a byline filter is a whole name
    assert found(arch, "的", date_from="2026-12", date_to="2026-12") == [seed]
    assert found(arch, "的", date_from="2025", date_to="2025-03-02") == [grain]
    assert found(arch, "的", date_to="2025-03-01") == []
    assert found(arch, "的", paper="株洲日报") == [grain]
    assert found(arch, "的", section="专题") == [seed]
    assert found(arch, "收购", section="经济", date_from="2025-03-02") == [grain]
    total, rows = cat.list_stories(arch.conn, cat.Filters(), 20)
    assert total == 2 and [r["id"] for r in rows] == [seed, grain]  # newest date first


def test_the_command_line_prints_hits_and_json(tmp_path):
    root = tmp_path / "arc"
    archive.add_rendered(make_render(tmp_path, "000_47b12d432780679e"), root)
    archive.add_rendered(other_render(tmp_path), root)
    human = cli("search", "乡村振兴", "--archive", str(root))
    assert human.returncode == 0, human.stderr
    assert "1 story match 乡村振兴" in human.stdout and "【乡村振兴】" in human.stdout
    assert "p5–6 专题" in human.stdout and "2026-12-01" in human.stdout
    data = json.loads(cli("search", "桂湾", "--json", "--archive", str(root)).stdout)
    assert data["total"] == 1 and data["results"][0]["story"] == "001_autumn_grain"
    assert data["results"][0]["pages"] == [2]
    listed = json.loads(cli("list", "--json", "--byline", "林晓", "--archive", str(root)).stdout)
    assert [r["story"] for r in listed["results"]] == ["001_autumn_grain"]
    shown = cli("show", "000_47b12d432780679e", "--archive", str(root))
    assert "何威宪、唐珺泽" in shown.stdout and "v1 #1  ← this one" in shown.stdout


def test_export_writes_the_archived_files(tmp_path, arch):
    folder = make_render(tmp_path, "000_47b12d432780679e")
    archive.add(arch, folder)
    dest = tmp_path / "restored"
    result = cli("export", "1", str(dest), "--archive", str(arch.root))
    assert result.returncode == 0, result.stderr
    for name in ("manifest.json", "20261201-p05-print.pdf", "archive.pdf", "spread.png"):
        assert (dest / name).read_bytes() == (folder / name).read_bytes()
    source = tmp_path / "source" / "000_47b12d432780679e.txt"
    assert (dest / source.name).read_bytes() == source.read_bytes()
    (dest / "archive.pdf").write_bytes(b"something else")
    again = cli("export", "1", str(dest), "--archive", str(arch.root))
    assert again.returncode == 1 and f"{dest / 'archive.pdf'}: exists" in again.stderr


def test_verify_reports_missing_and_altered_files(tmp_path, arch):
    archive.add(arch, make_render(tmp_path, "000_47b12d432780679e"))
    archive.add(arch, other_render(tmp_path))
    ok = cli("verify", "--archive", str(arch.root))
    # 7 + 6 files, the two proofs byte-identical: stored once and checked once
    assert (
        ok.returncode == 0 and "2 stories, 12 files in the store checked: all intact" in ok.stdout
    )
    files = {f["name"]: f["sha256"] for f in archive.show(arch, "1")["files"]}
    altered = arch.store.path(files["archive.pdf"])
    altered.chmod(0o644)
    altered.write_bytes(b"bit rot")
    missing = arch.store.path(files["20261201-p06-print.pdf"])
    missing.unlink()
    bad = cli("verify", "--archive", str(arch.root))
    assert bad.returncode == 1
    assert f"{altered}: altered (used by #1 archive.pdf)" in bad.stdout
    assert f"{missing}: missing (used by #1 20261201-p06-print.pdf)" in bad.stdout
    report = json.loads(cli("verify", "--json", "--archive", str(arch.root)).stdout)
    assert sorted(p["status"] for p in report["problems"]) == [ALTERED, MISSING]
    export = cli("export", "1", str(tmp_path / "x"), "--archive", str(arch.root))
    assert export.returncode == 1 and "restore it from backup" in export.stderr
    assert "Traceback" not in export.stderr
    assert not (tmp_path / "x").exists()  # no partial export


@pytest.mark.parametrize(
    "breakage, expected",
    [
        ("no manifest", "no manifest.json"),
        ("bad json", "manifest.json: not valid UTF-8 JSON"),
        ("missing page", "20261201-p06-print.pdf: named in"),
        ("bad date", "is not YYYY-MM-DD"),
    ],
)
def test_a_broken_render_folder_is_refused_with_its_path(tmp_path, breakage, expected):
    folder = make_render(tmp_path, "000_47b12d432780679e")
    manifest = folder / "manifest.json"
    if breakage == "no manifest":
        manifest.unlink()
    elif breakage == "bad json":
        manifest.write_text("{", encoding="utf-8")
    elif breakage == "missing page":
        (folder / "20261201-p06-print.pdf").unlink()
    else:
        m = json.loads(manifest.read_text(encoding="utf-8"))
        manifest.write_text(json.dumps(dict(m, date="2026/12/01")), encoding="utf-8")
    result = cli("add", str(folder), "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1 and expected in result.stderr
    assert str(folder) in result.stderr and "Traceback" not in result.stderr
    assert (
        not (tmp_path / "arc" / "catalogue.sqlite").exists()
        or cat.count(cat.connect(tmp_path / "arc" / "catalogue.sqlite")) == 0
    )


def test_adding_a_whole_out_folder_goes_on_past_a_broken_story(tmp_path):
    make_render(tmp_path, "000_47b12d432780679e")
    broken = other_render(tmp_path)
    (broken / "archive.pdf").unlink()
    result = cli("add", str(tmp_path / "out"), "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1
    assert "000_47b12d432780679e (示例日报 2026-12-01): added as #1 v1" in result.stdout
    assert f"{broken / 'archive.pdf'}: named in {broken / 'manifest.json'}" in result.stderr


def test_bad_queries_and_unknown_ids_are_user_errors(tmp_path):
    root = str(tmp_path / "arc")
    for args, expected in [
        (("search", "荷塘", "--from", "12/2026"), "--from 12/2026: give a date"),
        (("show", "99"), "99: no such story"),
        (("export", "000_none", str(tmp_path / "x")), "000_none: no such story"),
    ]:
        result = cli(*args, "--archive", root)
        assert result.returncode == 1 and expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_the_archive_folder_comes_from_option_env_or_project(tmp_path, monkeypatch):
    monkeypatch.delenv(archive.ENV, raising=False)
    assert archive.archive_dir(None) == ROOT / "archive"
    monkeypatch.setenv(archive.ENV, str(tmp_path / "env"))
    assert archive.archive_dir(None) == tmp_path / "env"
    assert archive.archive_dir(str(tmp_path / "opt")) == tmp_path / "opt"
    folder = make_render(tmp_path, "000_47b12d432780679e")
    env = dict(os.environ, NEWSPRINT_ARCHIVE=str(tmp_path / "from-env"))
    assert cli("add", str(folder), env=env).returncode == 0
    assert cat.count(cat.connect(tmp_path / "from-env" / "catalogue.sqlite")) == 1
    assert cli("add", str(folder), "--archive", str(tmp_path / "opt"), env=env).returncode == 0
    assert (tmp_path / "opt" / "catalogue.sqlite").exists()


def test_local_store_puts_once_and_tells_intact_from_altered(tmp_path):
    store = LocalStore(tmp_path / "store")
    src = tmp_path / "a.pdf"
    src.write_bytes(b"%PDF page")
    digest = hashlib.sha256(b"%PDF page").hexdigest()
    assert store.put(src) is True and store.put(src, digest) is False
    assert store.exists(digest) and store.get(digest) == b"%PDF page"
    assert store.verify(digest) == OK and list(store.digests()) == [digest]
    assert store.path(digest).stat().st_mode & 0o222 == 0  # stored read-only
    store.path(digest).chmod(0o644)
    store.path(digest).write_bytes(b"%PDF pagf")
    assert store.verify(digest) == ALTERED
    with pytest.raises(UserError, match="altered"):
        store.get(digest)
    assert store.put(src) is True and store.verify(digest) == OK  # a re-add heals it
    store.path(digest).unlink()
    assert store.verify(digest) == MISSING and not store.exists(digest)
    assert store.stray_temps() == []
