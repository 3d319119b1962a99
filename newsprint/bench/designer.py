"""The designer's loop, timed (`make bench`): cold, warm with the full fit, warm with
the cached fit, and warm with the pages laid out in parallel worker processes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from newsprint.errors import UserError
from newsprint.studio.session import Session, close, render_once


def bench_warm(story: Path | None = None, repeat: int = 3) -> dict:
    """Seconds for the designer's loop on a story (`make bench`), best of `repeat`: cold;
    warm with three layout passes (no fit cache); warm with the cached fit in one process;
    warm with the cached fit and the pages laid out in parallel worker processes."""

    from newsprint.config import DEFAULT_STORY

    with tempfile.TemporaryDirectory(prefix="newsprint-bench-") as out:
        session = Session(story=Path(story or DEFAULT_STORY), out_root=Path(out))

        def timed() -> float:
            if not render_once(session):
                raise UserError(
                    f"{session.story}: the bench story does not render: {session.error}"
                )
            return session.seconds

        try:
            cold = timed()
            uncached = []
            for _ in range(repeat):
                session.typesetter.fit_cache.clear()
                uncached.append(timed())
            pool, session.pool = session.pool, None
            cached = [timed() for _ in range(repeat)]
            session.pool = pool
            timed()  # the workers' first page loads their fonts
            parallel = [timed() for _ in range(repeat)]
        finally:
            close(session)
    return {
        "story": session.story.name,
        "cold_s": round(cold, 3),
        "warm_three_pass_s": round(min(uncached), 3),
        "warm_cached_fit_s": round(min(cached), 3),
        "warm_parallel_pages_s": round(min(parallel), 3),
        "target_s": 1.0,
    }
