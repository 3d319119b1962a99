"""Jobs on Celery workers through a Redis broker, when one machine is not enough.

    render.py worker --broker redis://HOST:6379/0 --store /shared/newsprint-store
    render.py edition PLAN --broker redis://HOST:6379/0 --store /shared/newsprint-store

A job is acknowledged only when it has finished (acks_late): a worker process that
dies mid-story (SIGKILL, out of memory) has its job put back at once
(reject_on_worker_lost); a whole worker that is lost (its machine gone) leaves its
job unacknowledged, and Redis hands it to another worker after
[workers] visibility_timeout_s. A story still rendering after time_limit_s is
stopped and fails. Each worker process imports WeasyPrint after it was forked
(task.py) and is replaced after max_tasks_per_child stories. Running a job twice
is harmless: its files are stored by hash and its record is keyed by the job's key.
Celery is imported only here, only when a broker is named.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from newsprint.edition.jobs import Job
from newsprint.edition.results import Results
from newsprint.edition.settings import EditionSettings
from newsprint.errors import UserError

TASK = "newsprint.render_story"
PING_S = 15  # how often the desk checks that some worker still answers


def _celery():
    try:
        import celery
    except ImportError:
        raise UserError(
            "Celery is not installed; run `make setup` (pyproject.toml pins celery and redis)"
        ) from None
    return celery


def make_app(broker: str, settings: EditionSettings, store: Path | None = None):
    """The Celery app both sides use; `store` is this worker's view of the shared store."""
    celery = _celery()
    app = celery.Celery("newsprint", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_time_limit=settings.time_limit_s,
        task_soft_time_limit=max(1, settings.time_limit_s - 5),
        worker_prefetch_multiplier=1,
        worker_max_tasks_per_child=settings.max_tasks_per_child,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout_s},
        result_backend_transport_options={"visibility_timeout": settings.visibility_timeout_s},
        result_expires=7 * 24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_track_started=True,
    )
    root = str(store) if store else ""

    @app.task(name=TASK, bind=True)
    def render_story(self, data: dict) -> dict:
        from newsprint.edition.task import run_job

        return run_job(data, root)

    return app


def _shutdown_fonts(**_kwargs) -> None:
    """A recycled worker process leaves no font copies in /tmp (typeset/typesetter.py)."""
    module = sys.modules.get("newsprint.typeset.typesetter")
    if module is not None:
        module.remove_font_folders()


def start_worker(
    broker: str, store: Path, settings: EditionSettings, concurrency: int, name: str
) -> int:
    """`render.py worker`: take jobs until stopped (Ctrl-C or SIGTERM finishes the current)."""
    from celery.signals import worker_process_shutdown

    Results(store)  # the store must be usable before any job is taken
    app = make_app(broker, settings, store)
    worker_process_shutdown.connect(_shutdown_fonts, weak=False)
    argv = [
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--loglevel=INFO",
        f"--max-tasks-per-child={settings.max_tasks_per_child}",
        "--without-gossip",
        "--without-mingle",
        f"--hostname={name}",
    ]
    app.worker_main(argv)
    return 0


def check_broker(app, broker: str) -> None:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:  # kombu's OperationalError and the socket's own
        raise UserError(
            f"cannot reach the broker at {broker} ({exc}); start it "
            "(redis-server) or check the URL, e.g. redis://HOST:6379/0"
        ) from None


def _workers(app, tries: int = 1) -> list[str]:
    """The workers that answer a ping; a busy machine may take a few seconds to."""
    for _ in range(tries):
        try:
            names = sorted(name for reply in app.control.ping(timeout=5) for name in reply)
        except Exception:  # the broker went away: no worker answers either
            names = []
        if names:
            return names
    return []


def run_remote(
    jobs: list[Job],
    broker: str,
    settings: EditionSettings,
    done: Callable[[Job, dict], None],
) -> list[str]:
    """Send every job and wait for all; `done(job, record)` as each finishes.

    Returns the names of the workers that answered. Raises UserError when no worker
    answers (at the start, or for a while later) or the broker goes away: the
    finished stories are kept in the store and the next run takes them from there.
    """
    from kombu.exceptions import OperationalError
    from redis.exceptions import RedisError

    app = make_app(broker, settings)
    check_broker(app, broker)
    workers = _workers(app, tries=3)
    if not workers:
        raise UserError(
            f"no worker answers on {broker}; start one on each machine with "
            f"`render.py worker --broker {broker} --store DIR`"
        )
    try:
        _send_and_wait(app, jobs, broker, settings, done)
    except (OperationalError, RedisError, OSError, RuntimeError) as exc:  # Runtime: retries
        raise UserError(
            f"lost the broker at {broker} ({str(exc).strip()}); restart it and run the "
            "edition again (finished stories are kept in the store)"
        ) from None
    return workers


def _send_and_wait(app, jobs: list[Job], broker: str, settings: EditionSettings, done) -> None:
    """Send the jobs, then read their states from the result backend until all are done.

    No AsyncResult is kept: its finaliser talks to the backend, which may be gone by then.
    """
    pending = {}
    for job in jobs:
        app.backend.forget(job.key)  # an earlier run's failure is not this one's
        app.send_task(TASK, args=[job.to_json()], task_id=job.key)
        pending[job.key] = job
    last_ping, silent = time.monotonic(), 0
    while pending:
        for key, job in list(pending.items()):
            meta = app.backend.get_task_meta(key)
            if meta.get("status") in ("SUCCESS", "FAILURE", "REVOKED"):
                del pending[key]
                done(job, _record(job, meta, settings))
        if time.monotonic() - last_ping > PING_S:
            last_ping = time.monotonic()
            silent = 0 if _workers(app) else silent + 1
            if silent >= 3:
                names = ", ".join(job.name for job in pending.values())
                raise UserError(
                    f"no worker answers on {broker} any more; {names} not rendered "
                    "— start a worker and run again (finished stories are kept)"
                )
        time.sleep(0.5)


def _record(job: Job, meta: dict, settings: EditionSettings) -> dict:
    """The job's record, or a failed record saying what stopped it on the worker."""
    value = meta.get("result")
    if meta.get("status") == "SUCCESS" and isinstance(value, dict):
        return value
    name = type(value).__name__
    if "TimeLimit" in name:
        why = (
            f"did not finish within {settings.time_limit_s} s (newsprint.toml [workers] "
            "time_limit_s); the copy may be far too long for its pages"
        )
    else:
        why = f"failed on the worker ({name}: {value}); see the worker's log"
    message = {"level": "error", "message": f"{job.name} {why}", "path": job.source}
    return {"name": job.name, "key": job.key, "ok": False, "files": {}, "findings": [message]}
