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


EDITS = {  # a token edit in styles/tokens.css → what it is
    "colour": ("--accent: device-cmyk(0 1 1 0.1);", "--accent: device-cmyk(0 1 0.8 0.1);"),
    "testimony inset": ("--quote-inset: calc(var(--quote-size) / 2);", "--quote-inset: 8pt;"),
    "data box size": ("--databox-size: var(--size-sanhao);", "--databox-size: 17pt;"),
}


def bench_measure(story: Path | None = None) -> dict:
    """The module measurement after a token edit (typeset/remeasure.py): how many of the
    story's items each edit lays out again, and its seconds beside a whole measurement,
    in one process (the studio splits them over its two page workers)."""
    import shutil
    import time

    from newsprint.build import prepare, session_css
    from newsprint.compose.html import template_env
    from newsprint.config import DEFAULT_STORY, STYLES_DIR, load_config
    from newsprint.typeset import modules, remeasure, typesetter
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    job = prepare(Path(story or DEFAULT_STORY), config)
    env = template_env(job.fmt, config)
    picked: list = []
    real = remeasure.to_remeasure

    def counted(*args):
        picked.append(real(*args))
        return picked[-1]

    def measure(setter) -> float:
        started = time.perf_counter()
        modules.measure_modules(job.story, job.fmt, config.makeup, setter, env, cache_dir=None)
        return time.perf_counter() - started

    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="newsprint-bench-") as tmp:
        styles = Path(tmp) / "styles"
        shutil.copytree(STYLES_DIR, styles)
        tokens = styles / "tokens.css"
        text = tokens.read_text(encoding="utf-8")
        typesetter.STYLES_DIR, remeasure.to_remeasure = styles, counted
        try:
            warm = Typesetter(session_css(config))
            figures["whole_s"] = round(measure(warm), 3)
            figures["items"] = len(warm.measured.items)
            for name, (old, new) in EDITS.items():
                if old not in text:
                    figures[name] = f"no {old!r} in styles/tokens.css"
                    continue
                tokens.write_text(text.replace(old, new), encoding="utf-8")
                seconds = measure(warm)
                count = "all" if picked[-1] is None else len(picked[-1])
                figures[name] = f"{count} items in {seconds:.3f} s"
                tokens.write_text(text, encoding="utf-8")
                measure(warm)
        finally:
            typesetter.STYLES_DIR, remeasure.to_remeasure = STYLES_DIR, real
    return figures
