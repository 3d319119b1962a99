"""Benchmark of a whole edition: pages per minute on Celery workers and local processes.

    python -m newsprint.bench.edition [--plan PLAN] [--workers 1,2] [--no-local]

Renders the plan (default: the example edition, 8 pages from 6 stories) from an
empty store each time, so every story is rendered: on 1 and on 2 Celery workers
(`render.py worker`, one story at a time each) through a redis-server on a loopback
port, then in 1 and 2 local processes (`--jobs`). Only the edition run is timed,
not starting the broker or the workers. Figures go to stdout; nothing here is a
pass/fail test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from newsprint.config import PROJECT_ROOT
from newsprint.edition.run import Options, run_edition
from newsprint.edition.services import redis_server, start_worker, stop_worker, wait_ready

PLAN = PROJECT_ROOT / "source" / "edition-2026-12-01.plan.toml"


def _timed(plan: Path, options: Options) -> tuple[float, int]:
    started = time.perf_counter()
    result = run_edition(plan, options)
    took = time.perf_counter() - started
    assert len(result.rendered) == len(result.plan.stories), "every story must be rendered"
    return took, len(result.plan.pages)


def _line(label: str, took: float, pages: int) -> str:
    return f"  {label:<22} {pages} pages in {took:6.1f} s  {pages * 60 / took:6.1f} pages/min"


def celery_run(plan: Path, workers: int, scratch: Path) -> str:
    store, out = scratch / "store", scratch / "out"
    with redis_server(scratch / "redis") as broker:
        logs = [scratch / f"worker{k}.log" for k in range(workers)]
        procs = [start_worker(broker, store, f"bench{k}@local", log) for k, log in enumerate(logs)]
        try:
            for proc, log in zip(procs, logs, strict=True):
                wait_ready(log, proc)
            took, pages = _timed(plan, Options(out_root=out, broker=broker, store=store))
        finally:
            for proc in procs:
                stop_worker(proc)
    return _line(f"{workers} Celery worker(s)", took, pages)


def local_run(plan: Path, jobs: int, scratch: Path) -> str:
    options = Options(out_root=scratch / "out", jobs=jobs, store=scratch / "store")
    took, pages = _timed(plan, options)
    return _line(f"{jobs} local process(es)", took, pages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m newsprint.bench.edition",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--plan", type=Path, default=PLAN)
    ap.add_argument("--workers", default="1,2", help="worker counts to try (default 1,2)")
    ap.add_argument("--no-local", action="store_true", help="skip the local --jobs runs")
    args = ap.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",") if n]
    print(f"edition {args.plan.name}: pages per minute, every story rendered from scratch")
    for n in counts:
        with tempfile.TemporaryDirectory(prefix="newsprint-bench-edition-") as scratch:
            print(celery_run(args.plan, n, Path(scratch)), flush=True)
    if not args.no_local:
        for n in counts:
            with tempfile.TemporaryDirectory(prefix="newsprint-bench-edition-") as scratch:
                print(local_run(args.plan, n, Path(scratch)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
