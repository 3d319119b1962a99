"""`render.py edition PLAN` and `render.py worker`: their parsers and what they print.

The parsers live here rather than in cli.py (which only hooks them in) to keep that
module short; nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from dataclasses import replace
from pathlib import Path

from newsprint.config import PROJECT_ROOT

EDITION_EPILOG = """\
examples:
  python render.py edition source/edition-2026-12-01.plan.toml          all stories, local
  python render.py edition PLAN --jobs 2                                two processes
  python render.py edition PLAN --only corpus_0018                      after a correction
  python render.py edition PLAN --broker redis://HOST:6379/0 --store /shared/store

The plan (docs/EDITION_PLAN.md) gives paper, date, 期号, the plant and for each page
the story that fills it. Exit status: 0 the plant's folder was written, 1 it was not
(the messages say why), 2 usage.
"""


def add_parsers(sub, count, cmd_edition, cmd_worker) -> None:
    store = "the store results come back through; with --broker, a folder every worker "
    store += "reaches too (default: newsprint.toml [edition] store)"
    ed = sub.add_parser(
        "edition",
        help="render a whole edition from its page plan",
        epilog=EDITION_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ed.add_argument("plan", metavar="PLAN", help="the edition plan (TOML)")
    ed.add_argument(
        "--out",
        default=str(PROJECT_ROOT / "out"),
        help="output folder; the edition goes to OUT/<plan>/ (default: out)",
    )
    ed.add_argument(
        "--jobs",
        type=count,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes on this machine (default: one per core)",
    )
    ed.add_argument(
        "--broker",
        metavar="URL",
        help="send the stories to Celery workers instead, e.g. redis://HOST:6379/0",
    )
    ed.add_argument("--store", metavar="DIR", help=store)
    ed.add_argument(
        "--only",
        metavar="STORY",
        help="render this story again (after a correction); the others come from the store",
    )
    ed.add_argument(
        "--archive",
        metavar="DIR",
        default=None,
        help="archive folder (default: $NEWSPRINT_ARCHIVE, else archive/)",
    )
    ed.add_argument("--no-archive", action="store_true", help="do not add to the archive")
    ed.add_argument("-v", "--verbose", action="store_true", help="also list notes")
    ed.set_defaults(func=cmd_edition)
    wk = sub.add_parser(
        "worker",
        help="take stories from a broker and render them (Celery)",
        description="A Celery worker for `render.py edition --broker URL`: "
        "start one on each machine that should render; Ctrl-C stops it.",
    )
    wk.add_argument("--broker", metavar="URL", required=True, help="e.g. redis://HOST:6379/0")
    wk.add_argument("--store", metavar="DIR", help=store)
    wk.add_argument(
        "--concurrency",
        type=count,
        default=1,
        metavar="N",
        help="stories rendered at once (default 1: run one worker per core)",
    )
    wk.add_argument(
        "--visibility-timeout",
        type=count,
        metavar="S",
        help="seconds before a lost worker's story goes to another worker "
        "(default: newsprint.toml [workers] visibility_timeout_s)",
    )
    wk.add_argument(
        "--name",
        default=f"newsprint@{socket.gethostname()}-{os.getpid()}",
        help="the worker's name in messages",
    )
    wk.set_defaults(func=cmd_worker)


def edition(args, print_findings) -> int:
    from newsprint.archive.core import archive_dir
    from newsprint.edition.run import EditionFailed, Options, progress_bar, run_edition

    options = Options(
        out_root=Path(args.out),
        jobs=args.jobs,
        broker=args.broker or "",
        store=Path(args.store) if args.store else None,
        only=args.only or "",
        archive=None if args.no_archive else archive_dir(args.archive),
    )
    started = time.perf_counter()
    try:
        result = run_edition(Path(args.plan), options, progress_bar())
    except EditionFailed as exc:
        print_findings([f for f in exc.findings if args.verbose or f.level != "note"])
        print(f"{args.plan}: {exc}", file=sys.stderr)
        return 1
    print_findings([f for f in result.findings if args.verbose or f.level != "note"])
    plan = result.plan
    took = time.perf_counter() - started
    rendered = len(result.rendered)
    print(
        f"{args.plan}: {len(plan.pages)} pages from {len(plan.stories)} stories "
        f"({rendered} rendered, {len(plan.stories) - rendered} from the store) in "
        f"{took:.1f} s → {result.plant_dir}"
    )
    for path in sorted(result.plant_dir.iterdir()):
        print(f"  {path.name}")
    for line in result.archived:
        print(f"  archived: {line}")
    return 0


def worker(args) -> int:
    from newsprint.edition.remote import start_worker
    from newsprint.edition.settings import load_settings

    settings = load_settings()
    if args.visibility_timeout:
        settings = replace(settings, visibility_timeout_s=args.visibility_timeout)
    store = Path(args.store) if args.store else settings.store
    return start_worker(args.broker, store, settings, args.concurrency, args.name)
