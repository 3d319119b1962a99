"""What a worker does with one job: fetch its inputs, render the story, store the files.

This is the only module of newsprint.edition that loads WeasyPrint, and only inside
`run_job`, so a worker pool's parent never holds it: each worker process imports it
after it was forked or spawned, and keeps one Typesetter (fonts, parsed styles) for
the jobs it takes until it is recycled.

A job's record says what came of it: `ok`, the findings (paths in the worker's
temporary folder are given as the desk's copy or as {OUT}/<file>), and on success
the story folder's files by digest. The manifest names the copy and edition file
beside it, so the folder can be archived wherever it is written.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from newsprint.edition.jobs import Job, styles_digest
from newsprint.edition.results import Results, finding_json
from newsprint.errors import Finding, UserError

OUT = "{OUT}"  # in a record's findings: the story's folder, wherever the desk writes it
_TYPESETTER: dict = {}


def typesetter():
    """This process's Typesetter, made on its first job (WeasyPrint loads here)."""
    if "it" not in _TYPESETTER:
        from newsprint.build import session_css
        from newsprint.config import load_config
        from newsprint.typeset.typesetter import Typesetter

        _TYPESETTER["it"] = Typesetter(session_css(load_config()))
    return _TYPESETTER["it"]


def failure(job: Job, findings: list[Finding]) -> dict:
    return {
        "name": job.name,
        "key": job.key,
        "ok": False,
        "files": {},
        "findings": [finding_json(f) for f in findings],
    }


def run_job(data: dict, store_root: str) -> dict:
    """Render one job (Job.to_json) with the store at `store_root`; its record."""
    job = Job.from_json(data)
    results = Results(Path(store_root))
    cached = None if job.force else results.cached(job.key)
    if cached is not None:  # already done (a redelivered job, or a second desk)
        return cached
    if job.styles != styles_digest():
        return failure(
            job,
            [
                Finding(
                    "error",
                    "this worker's styles, templates, fonts.toml, "
                    "newsprint.toml or code differ from the desk's; update "
                    "the worker's checkout to the desk's and restart it",
                    job.source,
                )
            ],
        )
    inputs = [job.copy, job.edition] + ([job.photo[1]] if job.photo else [])
    if not all(results.has(d) for d in inputs):
        return failure(
            job,
            [
                Finding(
                    "error",
                    f"the job's copy is not in the store at "
                    f"{store_root}; the desk and every worker must use the "
                    "same shared store (--store DIR)",
                    job.source,
                )
            ],
        )
    with tempfile.TemporaryDirectory(prefix="newsprint-job-") as tmp:
        record = _render(job, results, Path(tmp))
    if record["ok"]:
        results.save_record(record, job.key)
    return record


def _render(job: Job, results: Results, tmp: Path) -> dict:
    from newsprint.build import BuildFailed, build  # WeasyPrint loads here, in the worker

    folder = tmp / "story"
    folder.mkdir()
    copy = folder / f"{job.name}.txt"
    copy.write_bytes(results.get(job.copy))
    edition = folder / f"{job.name}.edition.toml"
    edition.write_bytes(results.get(job.edition))
    if job.photo:
        picture = folder / job.photo[0]
        picture.parent.mkdir(parents=True, exist_ok=True)
        picture.write_bytes(results.get(job.photo[1]))
    out = tmp / "out"
    places = {str(copy): job.source, str(edition): f"{job.name}.edition.toml (from the plan)"}
    try:
        result = build(copy, out, typesetter=typesetter())
    except BuildFailed as exc:
        record = failure(job, [_placed(f, places, out / job.name) for f in exc.findings])
        if exc.proof and exc.proof.is_file():  # the stamped proof, for the desk to look at
            record["files"] = {exc.proof.name: results.put_file(exc.proof)}
        return record
    except UserError as exc:  # set-up faults (fonts, styles) are this story's failure too
        return failure(job, [Finding("error", str(exc), job.source)])
    story = result.out_dir
    manifest = json.loads((story / "manifest.json").read_text(encoding="utf-8"))
    manifest["source"], manifest["edition_file"] = copy.name, edition.name
    (story / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    shutil.copy2(copy, story / copy.name)
    shutil.copy2(edition, story / edition.name)
    files = {p.name: results.put_file(p) for p in sorted(story.iterdir()) if p.is_file()}
    findings = [_placed(f, places, story) for f in result.findings]
    return {
        "name": job.name,
        "key": job.key,
        "ok": True,
        "files": files,
        "findings": [finding_json(f) for f in findings],
    }


def _placed(f: Finding, places: dict[str, str], story: Path) -> Finding:
    """A finding about a temporary file, named by the desk's file or {OUT}/<file>."""
    from dataclasses import replace

    if f.path in places:
        return replace(f, path=places[f.path])
    if f.path and Path(f.path).is_relative_to(story):
        return replace(f, path=f"{OUT}/{Path(f.path).relative_to(story)}")
    return f
