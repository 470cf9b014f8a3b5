"""The guide of each methodology: its page in both languages, its sources and defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carbonledger.accounting import guide as guide_module
from carbonledger.accounting.factors import factor_table
from carbonledger.accounting.guide import methodology_guide
from carbonledger.accounting.methodology import all_methodologies

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("ref", [m.ref for m in all_methodologies()])
def test_every_methodology_has_a_bilingual_page_and_its_defaults(ref: str) -> None:
    g = methodology_guide(ref)
    methodology = next(m for m in all_methodologies() if m.ref == ref)
    assert [s.description["source"] for s in g.sources] == list(methodology.sources)
    # the Chinese half is Chinese; the English half's own prose is not (the shared worked
    # example, bilingual already, ends both)
    assert CJK.search(g.text_zh.split("\n\n")[0] + g.text_zh[:400])
    english_own = g.text_en.split("\n## ")[0]
    assert len(english_own) > 500 and len(CJK.findall(english_own)) < len(english_own) / 20
    assert "## 中文" not in g.text_en and "## English" not in g.text_zh
    table = factor_table(*methodology.factor_sets)
    for source in g.sources:
        names = {p.name for p in methodology.sources[str(source.description["source"])].params}
        for d in source.defaults:
            assert d.parameter in names
            assert table[d.row.key] == d.row


def test_a_page_without_its_language_sections_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "cn-2013-cement@1.md"
    page.write_text("# title\n\n## English\n\ntext\n\n## 中文\n\n文字\n", encoding="utf-8")
    monkeypatch.setattr(guide_module, "GUIDES", tmp_path)
    with pytest.raises(ValueError, match="must begin with"):
        methodology_guide("cn-2013-cement@1")


def test_headings_inside_code_blocks_do_not_split_a_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = tmp_path / "cn-2013-cement@1.md"
    page.write_text(
        "# t\n\n## 中文\n\n中文内容\n\n## English\n\nEnglish text\n\n## 算例 / Worked example\n\n"
        "```json\n## not a heading\n```\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(guide_module, "GUIDES", tmp_path)
    g = methodology_guide("cn-2013-cement@1")
    assert g.text_zh.startswith("中文内容") and g.text_en.startswith("English text")
    assert g.text_zh.endswith("```json\n## not a heading\n```")
    assert g.text_en.endswith("```json\n## not a heading\n```")
