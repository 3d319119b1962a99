"""Sample copy dense in what the clreq rules cover, for tests and benchmarks."""

from __future__ import annotations

_WORDS = (
    "我们 今年 全区 经济 发展 实现 增长 项目 建设 推进 工作 群众 服务 改革 创新 社会 治理 "
    "城市 乡村 企业 科技 教育 文化 生态 环境 安全 民生 基层 干部 代表 大会 报告 提出 坚持 "
    "加快 推动 完善 提升 街道 社区 居民 产业 园区 投资 就业 医疗 养老 交通 数字 平台 "
    "政府 目标 任务 成绩 五年 以来 一批 重点 新区 制造 的 了 和 在 是 为 把 将 都 又"
)
_LATIN = ("GDP", "5G", "AI", "App", "PM2.5", "iPhone", "CBD")


def _fragment(rng) -> str:
    words = _WORDS.split()
    word = "".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
    other, number, latin = rng.choice(words), rng.randint(2, 2024), rng.choice(_LATIN)
    return [
        word,
        word,
        word,
        word,
        f"{number}年{word}",
        f"{word}{number}条",
        f"{word}{number % 99}.{number % 9}%",
        f"{word}{latin}{other}",
        f"“{word}”",
        f"《{word}》",
        f"{word}（{other}）",
        f"{word}——{other}",
        f"{word}……",
        f"{word}、{other}、{rng.choice(words)}",
    ][rng.randrange(14)]


def sample_paragraph(rng) -> str:
    """A paragraph of made-up news copy dense in the cases clreq cares about."""
    sentences = []
    for _ in range(rng.randint(1, 5)):
        parts = [_fragment(rng) for _ in range(rng.randint(2, 6))]
        end = rng.choice(["。", "。", "！", "？", "：“" + _fragment(rng) + "。”", "；"])
        sentences.append("，".join(parts) + end)
    return "".join(sentences)


def sample_html(seed: int = 0, paragraphs: int = 60, columns: int = 4, balance: bool = True) -> str:
    """A multi-column page of sample copy (9 pt, 13-character columns, a Kai box).

    balance=False fills columns to a fixed height: WeasyPrint's column balancing lays
    the text out a number of times that depends chaotically on where lines break.
    """
    import random

    from newsprint.typeset.fonts import font_face_css, load_faces

    faces = load_faces()
    serif, kai = faces["serif-regular"].family, faces["kai-regular"].family
    quotes = faces["kai-quotes-regular"].family  # full-width “ ” in Kai, as role_css sets them
    rng = random.Random(seed)
    body = "".join(f"<p>{sample_paragraph(rng)}</p>" for _ in range(paragraphs))
    box = "".join(f"<p>{sample_paragraph(rng)}</p>" for _ in range(4))
    width = columns * 117 + (columns - 1) * 9
    fill = "" if balance else "column-fill: auto; height: 480mm"
    return (
        f'<html lang="zh-CN"><style>{font_face_css(faces)}'
        "@page { size: 390mm 546mm; margin: 20mm }"
        f"body {{ font: 9pt/1.5 '{serif}'; margin: 0 }}"
        "p { margin: 0; text-indent: 2em; text-align: justify }"
        f".cols {{ width: {width}pt; column-count: {columns}; column-gap: 9pt; {fill} }}"
        f".box {{ width: 243pt; font: 10.5pt/1.5 '{quotes}', '{kai}'; margin-top: 18pt }}</style>"
        f"<div class=cols>{body}</div><div class=box>{box}</div></html>"
    )
