"""One job per story of the plan: what a worker needs to render it, and its key.

A story's own edition file gives its credits and photo; the plan gives everything
the night decides (paper, date, 期号, format, page numbers, 版名). The job's
edition file is written from both, so the pages, the archive and the manifest
all carry the plan's numbers. A job is plain JSON (it crosses to Celery workers);
its inputs are in the store under their hashes, and its key is the hash of the
copy, that edition file, the photo and the styles (with the tool's code), so
the same story rendered twice is one result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from newsprint import __version__
from newsprint.config import CONFIG_PATH, FONTS_DIR, LAYOUT_DIR, PROJECT_ROOT, STYLES_DIR, Config
from newsprint.edition.plan import EditionPlan, PlanStory
from newsprint.edition.results import Results
from newsprint.errors import Finding
from newsprint.story.edition import Edition, EditionError, edition_path, load_edition

PACKAGE_DIR = PROJECT_ROOT / "newsprint"


@dataclass(frozen=True)
class Job:
    name: str  # the story's name (its copy's stem): out/<plan>/stories/<name>/
    key: str  # sha256 of copy, edition file, photo and styles
    copy: str  # digest of the copy in the store
    edition: str  # digest of the edition file made from the plan
    photo: tuple[str, str] | None  # (name relative to the story, digest)
    styles: str  # styles_digest() of the side that made the job
    source: str  # the copy's path, for messages
    pages: int
    force: bool = False  # render even if the store has this key's result (--only)

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(data: dict) -> Job:
        photo = tuple(data["photo"]) if data.get("photo") else None
        return Job(**{**data, "photo": photo})


@cache
def styles_digest() -> str:
    """What else decides the bytes of a page: styles, templates, fonts, settings, code.

    Both sides compute it; a worker whose styles or code differ from the desk's
    refuses the job instead of sending pages set another way.
    """
    files = [CONFIG_PATH, FONTS_DIR / "fonts.toml"]
    for folder, pattern in ((STYLES_DIR, "*.css"), (LAYOUT_DIR, "*.j2"), (PACKAGE_DIR, "*.py")):
        files += sorted(folder.rglob(pattern))
    h = hashlib.sha256(__version__.encode())
    for path in files:
        h.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _toml(value) -> str:
    """A TOML value: JSON strings are TOML basic strings; booleans and numbers as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def edition_text(plan: EditionPlan, story: PlanStory, own: Edition | None, fmt: str) -> str:
    """The story's edition file for this night: the plan's values, its own credits and photo."""
    rows = [
        f"# Edition file for {story.name}: made by `render.py edition` from",
        f"# {plan.path.name} (paper, date, issue, pages) and the story's own edition file.",
        f"paper = {_toml(plan.paper)}",
        f"date = {plan.date.isoformat()}",
        f"issue = {_toml(plan.issue)}",
        f"format = {_toml(fmt)}",
    ]
    for page in story.pages:
        rows += ["", "[[pages]]", f"number = {page.number}", f"section = {_toml(page.section)}"]
    credits = own.credits if own else {}
    if credits:
        rows += ["", "[credits]", *(f"{_toml(k)} = {_toml(v)}" for k, v in credits.items())]
    if own and (own.photo_file or own.photo_placeholder_ok):
        rows += [
            "",
            "[photo]",
            f"file = {_toml(Path(own.photo_file).as_posix() if own.photo_file else '')}",
            f"print_placeholder = {_toml(own.photo_placeholder_ok)}",
        ]
    return "\n".join(rows) + "\n"


def make_job(
    plan: EditionPlan, story: PlanStory, config: Config, results: Results
) -> Job | list[Finding]:
    """The story's job with its inputs in the store, or the findings that stop it."""
    own = None
    if edition_path(story.path).is_file():
        try:
            own = load_edition(story.path, config.paper_name, config.default_format, config.formats)
        except EditionError as exc:
            return exc.findings
    fmt = plan.format or (own.format if own else config.default_format)
    try:
        copy = story.path.read_bytes()
    except OSError as exc:
        return [Finding("error", f"cannot read the copy: {exc.strerror}", str(story.path))]
    text = edition_text(plan, story, own, fmt).encode("utf-8")
    photo = None
    if own and own.photo_file:
        picture = (story.path.parent / own.photo_file).resolve()
        if picture.is_file() and picture.is_relative_to(story.path.parent.resolve()):
            photo = (Path(own.photo_file).as_posix(), results.put_bytes(picture.read_bytes()))
    digests = dict(
        copy=results.put_bytes(copy),
        edition=results.put_bytes(text),
        photo=photo,
        styles=styles_digest(),
    )
    key = hashlib.sha256(json.dumps([story.name, digests], sort_keys=True).encode()).hexdigest()
    return Job(name=story.name, key=key, source=str(story.path), pages=len(story.pages), **digests)
