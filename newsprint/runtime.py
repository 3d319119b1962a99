"""How the interpreter runs layout work: room on the frame stack, a tuned collector.

Room. CPython 3.11 keeps Python frames in 16 KB chunks and frees a chunk as soon as the
frame that opened it returns. A call that lands just past a chunk's end therefore maps
a new chunk and unmaps it on return, every time: WeasyPrint's layout and our line
breaker call small functions hundreds of thousands of times, and at some depths of a
document (which depth differs by story) a tenth of a render went to mmap and munmap
(py-spy). `with_room` runs a function inside one frame that reserves 256 KB of stack:
its chunk is 512 KB, and everything the function calls fits in the other half, so no
call of the layout lands on a boundary (0.27 s of the seed's first render, 0.3 s of
a story twice its length). Opening it costs ~12 µs.

The collector. A process that lays pages out keeps what it has loaded for as long as
it runs, and a layout makes millions of short-lived objects, few in cycles: Python's
collector, run every 700 allocations and walking everything loaded, took up to a sixth
of a render. `tune_collector` runs it every 10 000 and freezes what is loaded; a render
sets the threshold before its imports too, which collect as well (0.025 s of 0.31).
"""

from __future__ import annotations

import gc

SLOTS = 32_000  # stack slots reserved: 256 KB of the 512 KB chunk the frame opens


def _roomy(fn, args, kwargs):
    return fn(*args, **kwargs)


_roomy.__code__ = _roomy.__code__.replace(co_stacksize=_roomy.__code__.co_stacksize + SLOTS)


def with_room(fn, *args, **kwargs):
    """fn(*args, **kwargs), called from the roomy frame."""
    return _roomy(fn, args, kwargs)


THRESHOLDS = (10_000, 20, 20)  # gc.set_threshold: Python's are (700, 10, 10)


def tune_collector() -> None:
    """Collect every 10 000 allocations, and never walk again what is loaded now (0.05 s
    of a known story's cold render, 0.15 s of a new one's; the same peak memory)."""
    gc.set_threshold(*THRESHOLDS)
    gc.freeze()
