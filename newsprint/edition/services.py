"""A Redis broker and Celery workers on this machine, for the tests and `make bench`.

Redis listens on a free loopback port only, keeps nothing on disk, and is stopped
when the `with` ends; each worker is `render.py worker` in its own session, so it
and its pool process can be stopped (or killed) together.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from newsprint.config import PROJECT_ROOT
from newsprint.errors import UserError

READY_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """redis-server on 127.0.0.1:<free port>; yields its URL; stopped on leaving."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise UserError(
            "redis-server is not installed; `make setup` installs it (Debian's redis-server)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
        "--logfile",
        str(folder / "redis.log"),
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + READY_S
        while not _answers(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise UserError(f"redis-server did not start; see {folder / 'redis.log'}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_worker(
    broker: str,
    store: Path,
    name: str,
    log: Path,
    extra: tuple[str, ...] = (),
    env: dict | None = None,
) -> subprocess.Popen:
    """`render.py worker` in a session of its own, its output in `log`."""
    args = [
        sys.executable,
        str(PROJECT_ROOT / "render.py"),
        "worker",
        "--broker",
        broker,
        "--store",
        str(store),
        "--name",
        name,
        *extra,
    ]
    with open(log, "ab") as out:
        return subprocess.Popen(
            args,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )


def wait_ready(log: Path, proc: subprocess.Popen, timeout: float = READY_S) -> None:
    deadline = time.monotonic() + timeout
    while b" ready." not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise UserError(f"the worker did not start; see {log}")
        time.sleep(0.2)


def stop_worker(proc: subprocess.Popen, kill: bool = False) -> None:
    """Stop a worker and its pool processes: SIGTERM (warm shutdown), or SIGKILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
