"""Work on a laid-out document in a forked child, beside the parent's.

A WeasyPrint Document cannot be pickled to another process, but a fork inherits it:
the archive copy is written in a child while the parent writes the print pages and
the proof (two cores: about 0.8 s of a cold render). The result, or the error,
comes back pickled through a pipe. Only a single-threaded process forks (a thread
holding a lock at the fork would leave the child waiting on it forever: the studio's
server and watch threads), and only where fork exists; otherwise the work runs here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import traceback


class Forked:
    """`fn(*args)` started at once; `result()` waits for it and returns or raises as fn did."""

    def __init__(self, fn, *args):
        self.value, self.error, self.pid, self.fd = None, None, 0, -1
        if not hasattr(os, "fork") or threading.active_count() > 1:
            try:
                self.value = fn(*args)
            except Exception as exc:  # noqa: BLE001 - raised again by result(), as forked
                self.error = exc
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            os.close(read)
            try:
                payload = _payload(fn, args)
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(0)
        os.close(write)
        self.pid, self.fd = pid, read

    def wait(self) -> None:
        """Wait for the child and forget its outcome (the parent has its own error)."""
        with contextlib.suppress(Exception):
            self.result()

    def result(self):
        if self.pid:
            with os.fdopen(self.fd, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if not data:
                self.error = RuntimeError(f"the child writing beside us died ({status})")
            else:
                ok, value = pickle.loads(data)
                self.value, self.error = (value, None) if ok else (None, value)
        if self.error is not None:
            raise self.error
        return self.value


def _payload(fn, args) -> bytes:
    try:
        return pickle.dumps((True, fn(*args)))
    except Exception as exc:  # noqa: BLE001 - the parent raises it
        try:
            payload = pickle.dumps((False, exc))
            pickle.loads(payload)  # an error the parent could not rebuild is sent as text
            return payload
        except Exception:  # noqa: BLE001 - an error that does not pickle: its text
            text = "".join(traceback.format_exception(exc))
            return pickle.dumps((False, RuntimeError(text)))


def forked_map(fn, argsets: list[tuple]) -> list:
    """[fn(*args) for args in argsets], all but the first in forked children beside this
    process (a cold render's idle second core); raises as fn did."""
    children = [Forked(fn, *args) for args in argsets[1:]]
    try:
        first = [fn(*argsets[0])] if argsets else []
    except BaseException:
        for child in children:
            child.wait()
        raise
    return first + [child.result() for child in children]
