"""What clreq costs: the sample page rendered with and without it (`make bench`)."""

from __future__ import annotations

import math

from newsprint.bench.sample import sample_html
from newsprint.clreq import install, installed, uninstall


def _render_seconds(html: str, repeat: int) -> float:
    import time

    from weasyprint import HTML

    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        HTML(string=html).write_pdf()
        best = min(best, time.perf_counter() - start)
    return best


def bench(repeat: int = 3) -> dict:
    """Render the sample page (seed 0) with and without clreq: best-of-`repeat` seconds.

    `ratio` is for columns filled to a fixed height (one layout pass: the cost of the
    line layout itself); `ratio_balanced` for balanced columns, where WeasyPrint's
    balancing re-lays the text a number of times that changes with every line break.
    """
    was = installed()
    result = {}
    for key, balance in (("", False), ("_balanced", True)):
        html = sample_html(balance=balance)
        uninstall()
        _render_seconds(html, 1)  # warm font and style caches
        plain = _render_seconds(html, repeat)
        install()
        clreq = _render_seconds(html, repeat)
        result |= {
            f"plain_s{key}": round(plain, 3),
            f"clreq_s{key}": round(clreq, 3),
            f"ratio{key}": round(clreq / plain, 3),
        }
    if not was:
        uninstall()
    return result
