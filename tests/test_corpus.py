"""The generated corpus: every story parses into the modules its spec asks for."""

from __future__ import annotations

import pytest

from newsprint.bench.corpus import Spec, seed_length, spec_for, story_text, write_story
from newsprint.story.edition import load_edition
from newsprint.story.parse import parse_story

SPECS = [spec_for(seed) for seed in range(12)] + [
    Spec(100, 0.4, 3, note=True, photo=True, databox=True),
    Spec(101, 2.0, 1, note=False, photo=False, databox=False),
    Spec(102, 1.0, 2, note=False, photo=True, databox=False),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_story_parses_into_the_roles_asked_for(tmp_path, spec):
    path = write_story(spec, tmp_path)
    story, findings = parse_story(path)
    assert [f for f in findings if f.rule == "unplaced"] == []
    assert len(story.articles) == spec.articles
    first, *later = story.articles
    assert first.kicker and first.deck and first.headline.text
    assert (first.note is not None) == spec.note
    assert first.note is None or first.note.paragraphs
    for art in later:
        assert art.label and art.bylines and art.headline.text
    numbers = [int(sec.number) for art in story.articles for sec in art.sections]
    assert numbers == list(range(1, len(numbers) + 1))
    for art in story.articles:
        assert art.sections and not art.lead
        for section in art.sections:
            assert section.label and section.paragraphs and section.testimonies
            assert all(t.speaker_name and t.paragraphs for t in section.testimonies)
    assert (story.photo is not None) == spec.photo
    assert story.databox is None if not spec.databox else len(story.databox.items) >= 4
    length = len(path.read_text(encoding="utf-8")) / seed_length()
    assert spec.scale <= length < spec.scale + 0.15
    edition = load_edition(path, "示例日报", "duikai")
    assert [p.number for p in edition.pages] == [4, 5]
    assert edition.photo_placeholder_ok == spec.photo


def test_corpus_is_deterministic_and_covers_every_mix():
    assert story_text(spec_for(7)) == story_text(spec_for(7))
    assert story_text(spec_for(7)) != story_text(spec_for(8))
    specs = [spec_for(seed) for seed in range(60)]
    assert {s.articles for s in specs} == {1, 2, 3}
    for flag in ("note", "photo", "databox"):
        assert {getattr(s, flag) for s in specs} == {True, False}
    scales = [s.scale for s in specs]
    assert 0.4 <= min(scales) < 0.6 and 1.8 < max(scales) <= 2.0
