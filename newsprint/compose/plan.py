"""An article's share of a page, as the head block template reads it."""

from __future__ import annotations

from dataclasses import dataclass

from newsprint.story.model import Article, Section


@dataclass(frozen=True)
class ArticlePart:
    """An article's share of a page: its head (first part only) and some sections."""

    article: Article
    index: int  # article number in the story, 0-based
    sections: tuple[Section, ...]
    with_head: bool
