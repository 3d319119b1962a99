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


def _fails_second(index):
    if index:
        raise UserError("there")
    return index


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


def test_forked_map_keeps_the_order_and_runs_the_first_here():
    from newsprint.output.forked import forked_map

    done = forked_map(_pid_and, [("a",), ("b",), ("c",)])
    assert [value for _, value in done] == ["a", "b", "c"]
    assert done[0][0] == os.getpid() and os.getpid() not in {done[1][0], done[2][0]}
    assert forked_map(_pid_and, []) == []
    with pytest.raises(UserError, match="here"):  # the children are waited for
        forked_map(_fails, [("here",), ("there",)])
    with pytest.raises(UserError, match="there"):
        forked_map(_pid_and, [("here",)]) and forked_map(_fails_second, [(0,), (1,)])
