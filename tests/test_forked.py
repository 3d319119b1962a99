"""output/forked.py: the archive copy is written in a forked child; its result and its
errors come back as if it had run in the parent."""

from __future__ import annotations

import os
import threading

import pytest

from newsprint.errors import UserError
from newsprint.output.forked import Forked


def _pid_and(value):
    return os.getpid(), value


def _fails(message):
    raise UserError(message)


class Unpicklable(Exception):
    def __init__(self, a, b):  # pickles, but cannot be rebuilt from its args
        super().__init__(f"{a} {b}")


def _fails_oddly():
    raise Unpicklable(1, 2)


def test_the_work_runs_in_a_child_and_returns_its_result():
    pid, value = Forked(_pid_and, [1, 2]).result()
    assert value == [1, 2] and pid != os.getpid()


def test_an_error_in_the_child_is_raised_by_result():
    with pytest.raises(UserError, match="no such file"):
        Forked(_fails, "no such file").result()
    with pytest.raises(Exception, match="1 2"):
        Forked(_fails_oddly).result()


def test_with_other_threads_running_the_work_runs_here():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pid, _ = Forked(_pid_and, None).result()
    finally:
        stop.set()
        thread.join()
    assert pid == os.getpid()
