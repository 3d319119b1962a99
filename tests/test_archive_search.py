"""The archive's search syntax (docs/ARCHIVE_SEARCH.md): words, "phrases", OR, NOT / -word."""

from __future__ import annotations

import json

import pytest
from test_archive import cli, make_render, other_render

from newsprint.archive import catalogue as cat
from newsprint.archive import core as archive
from newsprint.archive.query import Query, parse_query
from newsprint.errors import UserError

YUNXI = "云溪镇今年空气质量持续向好,PM2.5 指数全年下降两成,云溪河重现白鹭。"
APART = "全市物价指数平稳。另讯:PM2.5 监测站新增三处,居民可在网上查询。"


PLAIN = {"kicker": "", "bylines": [], "speakers": []}


def yunxi(base):
    return make_render(base, "yunxi", YUNXI, date="2026-11-02", **PLAIN, headline="云溪见白鹭")


@pytest.fixture
def stories(tmp_path):
    """Four stories: the seed (荷塘), the grain story, 云溪, and PM2.5 apart from 指数."""
    arch = archive.open_archive(tmp_path / "arc")
    ids = {
        "seed": archive.add(arch, make_render(tmp_path, "000_47b12d432780679e")).id,
        "grain": archive.add(arch, other_render(tmp_path)).id,
        "yunxi": archive.add(arch, yunxi(tmp_path)).id,
        "apart": archive.add(
            arch,
            make_render(tmp_path, "apart", APART, date="2026-10-03", **PLAIN, headline="物价平稳"),
        ).id,
    }
    yield arch, ids
    arch.conn.close()


def found(arch, query: str, **filters) -> list[int]:
    out = archive.search(arch, query.split(), cat.Filters(**filters), 20, False)
    return sorted(r["id"] for r in out["results"])


def test_or_finds_either(stories):
    arch, ids = stories
    assert found(arch, "荷塘 OR 云溪") == sorted([ids["seed"], ids["yunxi"]])
    assert found(arch, "荷塘 OR 云溪 OR 桂湾") == sorted([ids["seed"], ids["yunxi"], ids["grain"]])
    assert found(arch, "乡村振兴 OR 江畔新村") == sorted([ids["seed"], ids["grain"]])  # trigrams
    assert found(arch, "荷 OR 鹭") == sorted([ids["seed"], ids["yunxi"]])  # one character: LIKE
    assert found(arch, "荷塘 OR 鹭") == sorted([ids["seed"], ids["yunxi"]])  # mixed: LIKE
    assert found(arch, "湾桂 OR 云溪") == [ids["yunxi"]]  # a pair that never occurs
    assert found(arch, "白鹭 荷塘 OR 云溪") == [ids["yunxi"]]  # OR binds its neighbours only
    assert found(arch, "荷塘 or 云溪") == []  # lower-case or is a word to find


def test_not_and_minus_exclude(stories):
    arch, ids = stories
    everything = sorted(ids.values())
    assert found(arch, "-荷塘") == sorted(set(everything) - {ids["seed"]})
    assert found(arch, "NOT 荷塘") == found(arch, "-荷塘")
    assert found(arch, "的 -荷塘") == [ids["grain"]]
    assert found(arch, "的 -荷塘 -粮食") == []
    assert found(arch, "指数 -云溪镇") == [ids["apart"]]  # three or more characters
    assert found(arch, "-荷") == sorted(set(everything) - {ids["seed"]})  # one character
    assert found(arch, "-不存在的词") == everything  # excludes nothing
    assert found(arch, "云溪 -荷塘", date_from="2026-11") == [ids["yunxi"]]
    assert archive.search(arch, ["-荷塘"], cat.Filters(), 20, False)["total"] == 3
    assert archive.search(arch, ["-荷"], cat.Filters(), 20, False)["total"] is None  # a scan


def test_a_phrase_is_exact_text_spaces_and_all(stories):
    arch, ids = stories
    assert found(arch, "PM2.5 指数") == sorted([ids["yunxi"], ids["apart"]])  # both words
    assert found(arch, '"PM2.5 指数"') == [ids["yunxi"]]  # the phrase
    assert found(arch, '"OR"') == []  # a quoted OR is a word, not an operator
    assert found(arch, '-"PM2.5 指数" 指数') == [ids["apart"]]
    hit = archive.search(arch, ['"PM2.5', '指数"'], cat.Filters(), 20, False)
    assert hit["query"] == '"PM2.5 指数"'
    (result,) = hit["results"]
    assert [result["snippet"][s:e] for s, e in result["highlights"]] == ["PM2.5 指数"]


def test_the_parser_groups_terms():
    assert parse_query(["甲 乙 OR 丙", "-丁"]) == Query((("甲",), ("乙", "丙")), ("丁",))
    assert parse_query(['"a b" OR c', "NOT", '"d e"']) == Query((("a b", "c"),), ("d e",))
    assert parse_query(["COVID-19"]) == Query((("COVID-19",),))  # a - inside a word is text
    assert str(parse_query(["甲 OR 乙", '"丙 丁"', "-戊"])) == '甲 OR 乙 "丙 丁" -戊'


@pytest.mark.parametrize(
    "query, expected",
    [
        ("OR 荷塘", "OR needs a word on each side"),
        ("荷塘 OR", "OR at the end"),
        ("荷塘 OR OR 云溪", "OR needs a word on each side"),
        ("荷塘 OR -云溪", "OR cannot join a NOT term"),
        ('"荷塘', "a quote is not closed"),
        ("荷塘 -", "NOT or - at the end"),
        ('荷塘 ""', "an empty phrase"),
        ("", "give at least one word"),
    ],
)
def test_a_malformed_query_is_a_user_error(query, expected):
    with pytest.raises(UserError, match=expected):
        parse_query([query])


def test_the_command_line_takes_the_syntax(tmp_path):
    root = tmp_path / "arc"
    archive.add_rendered(make_render(tmp_path, "000_47b12d432780679e"), root)
    archive.add_rendered(yunxi(tmp_path), root)
    either = json.loads(
        cli("search", "荷塘", "OR", "云溪", "--json", "--archive", str(root)).stdout
    )
    assert either["total"] == 2 and either["query"] == "荷塘 OR 云溪"
    without = cli("search", "--archive", str(root), "--", "-荷塘")
    assert without.returncode == 0 and "1 story match -荷塘" in without.stdout
    bad = cli("search", "荷塘", "OR", "--archive", str(root))
    assert bad.returncode == 1 and "OR at the end" in bad.stderr
    assert "Traceback" not in bad.stderr
