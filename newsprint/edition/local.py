"""Jobs in worker processes on this machine (`render.py edition PLAN --jobs N`).

Nothing to install: a process pool of N workers, started fresh (spawn), so WeasyPrint
is imported in each worker and never in this process, and each worker is replaced
after `max_tasks_per_child` stories, since WeasyPrint's memory grows. Results come
back through the same store as from Celery workers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from newsprint.edition.jobs import Job
from newsprint.errors import UserError


def _start() -> None:
    import multiprocessing.util
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    multiprocessing.util.Finalize(None, _clean_fonts, exitpriority=100)


def _clean_fonts() -> None:
    import sys

    if "newsprint.typeset.typesetter" in sys.modules:
        sys.modules["newsprint.typeset.typesetter"].remove_font_folders()


def _run(data: dict, store_root: str) -> dict:
    from newsprint.edition.task import run_job

    return run_job(data, store_root)


def run_local(
    jobs: list[Job],
    store_root: Path,
    workers: int,
    max_tasks_per_child: int,
    done: Callable[[Job, dict], None],
) -> None:
    """Render every job in `workers` processes; `done(job, record)` as each finishes."""
    if not jobs:
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_start,
        max_tasks_per_child=max_tasks_per_child,
    ) as pool:
        futures = {pool.submit(_run, job.to_json(), str(store_root)): job for job in jobs}
        try:
            for future in as_completed(futures):
                done(futures[future], future.result())
        except BrokenProcessPool:
            raise UserError(
                "a worker process died (out of memory, or killed); the stories finished so "
                "far are kept in the store: run the edition again, with fewer --jobs if "
                "memory is short"
            ) from None
