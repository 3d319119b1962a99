"""Benchmark of the archive at scale: add throughput and search latency.

    python -m newsprint.bench_archive [--stories 100000] [--dir DIR] [--keep]

Builds a synthetic archive through the real add path (one story at a time,
files fsynced, one catalogue commit each). Stories are drawn from the seed
copy's sentences, so common words such as 乡村振兴 hit many stories, plus two
made-up place names per story from a pool of 5,000 for rare-word queries.
Render folders are written to a scratch folder just before each add; only the
add is timed. Figures go to stdout; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from newsprint.archive import catalogue as cat
from newsprint.archive import core as archive
from newsprint.config import DEFAULT_STORY

PAPERS = ["示例日报", "株洲日报", "湘江晚报"]
SECTIONS = ["要闻", "专题", "经济", "社会", "文化", "体育", "国际", "评论"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰凤洁梅琳素云莲真环雪荣爱妹"
PLACE = "江河湖山岭峰溪桥塘湾洲坪岗源泉林石田村"


def sentences(seed: Path) -> list[str]:
    text = re.sub(r"^[#>\s]+", "", seed.read_text(encoding="utf-8"), flags=re.M)
    parts = re.split(r"(?<=[。!?;])", text.replace("\n", ""))
    return [p for p in (s.strip() for s in parts) if len(p) >= 8]


def make_story(rng: random.Random, i: int, pool: list[str], places: list[str]) -> dict:
    """One synthetic story's manifest fields (without file names)."""
    day = date(2016, 1, 1) + timedelta(days=rng.randrange(3650))
    body = rng.sample(pool, rng.randint(4, 12))
    spots = rng.sample(places, 2)
    body.insert(rng.randrange(len(body)), f"记者来到{spots[0]}和{spots[1]}采访。")
    name = lambda: rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))  # noqa: E731
    page = rng.randint(1, 16)
    section = rng.choice(SECTIONS)
    return {
        "story": f"{i:06d}_{rng.getrandbits(64):016x}",
        "paper": rng.choice(PAPERS),
        "date": day.isoformat(),
        "edition": f"第{(day - date(2000, 1, 1)).days}期",
        "format": "duikai",
        "pages": [{"number": page, "section": section}],
        "kicker": body[0][:20],
        "headline": f"{spots[0]}{body[-1][:14]}",
        "headlines": [],
        "bylines": [name() for _ in range(rng.randint(1, 3))],
        "speakers": [name() for _ in range(rng.randint(0, 2))],
        "text": "\n".join(body),
        "tool_version": "0.1.0",
    }


def write_folder(folder: Path, m: dict, rng: random.Random) -> None:
    """A render folder as the render step leaves it: manifest plus the files it names,
    from a render that passed its checks (the archive takes no other,
    archive/core.py fit_to_archive)."""
    stem = m["story"]
    names = {"page": f"{m['date'].replace('-', '')}-p{m['pages'][0]['number']:02d}-print.pdf"}
    (folder / names["page"]).write_bytes(b"%PDF-1.7\n" + rng.randbytes(rng.randint(1500, 3000)))
    (folder / "archive.pdf").write_bytes(b"%PDF-1.7\n" + rng.randbytes(rng.randint(2000, 4000)))
    (folder / "proof.png").write_bytes(b"\x89PNG\r\n" + rng.randbytes(800))
    src = folder / f"{stem}.txt"
    src.write_text(m["text"], encoding="utf-8")
    ed = folder / f"{stem}.edition.toml"
    ed.write_text(f'paper = "{m["paper"]}"\ndate = {m["date"]}\n', encoding="utf-8")
    m = dict(m, source=str(src), edition_file=str(ed), archive_pdf="archive.pdf", proof="proof.png")
    m.update(
        preflight="passed",
        copy_sha256=hashlib.sha256(src.read_bytes()).hexdigest(),
        edition_sha256=hashlib.sha256(ed.read_bytes()).hexdigest(),
    )
    m["pages"] = [dict(m["pages"][0], file=names["page"])]
    (folder / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median and worst wall time in ms over repeat runs, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), out


def build(arch: archive.Archive, n: int, scratch: Path, report_every: int) -> float:
    """Add n synthetic stories one by one; returns the seconds spent inside add()."""
    seed = DEFAULT_STORY  # the seed copy: its sentences make the archive's stories
    rng = random.Random(20261201)
    pool = sentences(seed)
    prng = random.Random(7)
    places = list(
        {
            "".join(prng.choices(PLACE[:-3], k=2)) + "".join(prng.choices(PLACE, k=2))
            for _ in range(7000)
        }
    )[:5000]
    spent, start = 0.0, cat.count(arch.conn)
    mark = (start, 0.0)
    for i in range(start, n):
        folder = scratch / "out"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        write_folder(folder, make_story(rng, i, pool, places), rng)
        t = time.perf_counter()
        archive.add(arch, folder)
        spent += time.perf_counter() - t
        if (i + 1) % report_every == 0:
            rate = (i + 1 - mark[0]) / (spent - mark[1])
            last = i + 1 - mark[0]
            print(f"  {i + 1:>7} stories  {rate:6.1f} adds/s over the last {last}", file=sys.stderr)
            mark = (i + 1, spent)
    return spent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsprint.bench_archive", description=__doc__)
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--dir", help="archive folder to build or extend (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the temp archive afterwards")
    ap.add_argument("--repeat", type=int, default=15, help="runs per search query")
    args = ap.parse_args(argv)

    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-archive-"))
    scratch = Path(tempfile.mkdtemp(prefix="bench-archive-in-"))
    arch = archive.open_archive(root)
    try:
        before = cat.count(arch.conn)
        print(f"archive: {root} ({before} stories already)")
        spent = build(arch, args.stories, scratch, max(1000, args.stories // 20))
        added = cat.count(arch.conn) - before
        if added:
            print(
                f"add: {added} stories in {spent:.1f} s = {added / spent:.1f} stories/s "
                f"({1000 * spent / added:.2f} ms each, 6 files + 1 commit, all fsynced)"
            )
        db = root / archive.CATALOGUE
        wal = db.with_name(db.name + "-wal")
        size = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        print(f"catalogue: {cat.count(arch.conn)} stories, {size / 2**20:.0f} MiB")
        one = cat.story(arch.conn, 1)
        byline = arch.conn.execute(
            "SELECT name FROM bylines GROUP BY name ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        queries = [
            ("rare place name (4 chars)", [one["headline"][:4]], {}),
            ("common word 乡村振兴", ["乡村振兴"], {}),
            ("common word, by relevance", ["乡村振兴"], {"relevance": True}),
            ("two words 荷塘 产业", ["荷塘", "产业"], {}),
            ("2 chars 荷塘", ["荷塘"], {}),
            ("2 chars, a name", [json.loads(one["meta"])["bylines"][0][:2]], {}),
            ("1 char 荷", ["荷"], {}),
            (
                "乡村振兴 + paper + 1 year",
                ["乡村振兴"],
                {"f": cat.Filters(paper="株洲日报", date_from="2020", date_to="2020")},
            ),
            ("乡村振兴 + byline", ["乡村振兴"], {"f": cat.Filters(byline=byline)}),
            (
                "乡村振兴 + section + month",
                ["乡村振兴"],
                {"f": cat.Filters(section="经济", date_from="2021-06", date_to="2021-06")},
            ),
        ]
        print(f"search latency over {args.repeat} runs (20 hits shown), ms:")
        print(f"  {'query':<28} {'median':>8} {'worst':>8} {'matches':>8}")
        for label, terms, opt in queries:
            f = opt.get("f", cat.Filters())
            med, worst, out = timed(
                lambda t=terms, f=f, o=opt: archive.search(
                    arch, t, f, 20, o.get("relevance", False)
                ),
                args.repeat,
            )
            total = "n/a" if out["total"] is None else out["total"]
            print(f"  {label:<28} {med:8.1f} {worst:8.1f} {total:>8}")
        for label, fn in (
            ("list newest 20", lambda: cat.list_stories(arch.conn, cat.Filters(), 20)),
            ("list by byline", lambda: cat.list_stories(arch.conn, cat.Filters(byline=byline), 20)),
            ("show one", lambda: archive.show(arch, str(one["id"]))),
        ):
            med, worst, _ = timed(fn, args.repeat)
            print(f"  {label:<28} {med:8.1f} {worst:8.1f}")
        t = time.perf_counter()
        report = archive.verify(arch)
        print(
            f"verify: {report['files']} stored files re-hashed in {time.perf_counter() - t:.1f} s"
        )
    finally:
        arch.conn.close()
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.dir and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        elif not args.dir:
            print(f"kept: {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
