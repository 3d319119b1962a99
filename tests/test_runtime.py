"""newsprint/runtime.py: a call through the roomy frame is the call itself."""

from __future__ import annotations

import pytest

from newsprint.runtime import SLOTS, _roomy, with_room


def test_with_room_passes_arguments_results_and_errors():
    assert with_room(divmod, 17, 5) == (3, 2)
    assert with_room(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]
    with pytest.raises(ZeroDivisionError):
        with_room(divmod, 1, 0)


def test_the_frame_reserves_its_room_and_deep_calls_still_work():
    assert _roomy.__code__.co_stacksize >= SLOTS

    def depth(n: int) -> int:
        return 0 if n == 0 else depth(n - 1) + 1

    assert with_room(depth, 800) == 800  # past the 256 KB it leaves free


def test_tune_collector_sets_the_thresholds_and_freezes_what_is_loaded():
    import subprocess
    import sys

    code = (
        "import gc; from newsprint.runtime import THRESHOLDS, tune_collector; "
        "tune_collector(); assert gc.get_threshold() == THRESHOLDS == (10_000, 20, 20); "
        "assert gc.get_freeze_count() > 1000"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
