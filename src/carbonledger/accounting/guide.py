"""A methodology's guide: what the reporter fills in and what the engine assumes.

Built from the methodology itself — its emission sources with their formulas and
parameters, and the default factors those parameters fall back to, each with its
provenance from the factor set — so the guide can never disagree with the calculation.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from carbonledger.accounting.factors import FactorRow, factor_table
from carbonledger.accounting.methodology import get_methodology

MATERIAL = "{material}"
#: the bilingual guidance pages packaged beside the engine, one per methodology ref
GUIDES = resources.files("carbonledger.accounting") / "guides"


@dataclass(frozen=True, slots=True)
class DefaultFactor:
    """A default a parameter takes when the reporter gives no measured value."""

    parameter: str
    material: str | None
    row: FactorRow


@dataclass(frozen=True, slots=True)
class SourceGuide:
    description: dict[str, object]
    defaults: tuple[DefaultFactor, ...]


@dataclass(frozen=True, slots=True)
class MethodologyGuide:
    description: dict[str, object]
    sources: tuple[SourceGuide, ...]
    #: the guidance page in Chinese and in English (Markdown), empty when it has none
    text_zh: str
    text_en: str


def guide_page(ref: str) -> tuple[str, str]:
    """The guidance page of methodology `ref` as its Chinese and its English text (Markdown).

    A page has a ``## 中文`` section, then a ``## English`` section, then sections shared by
    both languages (the worked example, bilingual already), which both texts end with. The
    title and the links between the languages are left out: the screen shows its own.
    """
    page = GUIDES / f"{ref}.md"
    if not page.is_file():
        return "", ""
    sections = _sections(page.read_text(encoding="utf-8"))
    if list(sections)[:2] != ["中文", "English"]:
        raise ValueError(f"guidance page {ref}.md must begin with '## 中文' then '## English'")
    shared = [f"## {heading}\n\n{body}" for heading, body in list(sections.items())[2:]]
    return (
        "\n\n".join([sections["中文"], *shared]),
        "\n\n".join([sections["English"], *shared]),
    )


def _sections(text: str) -> dict[str, str]:
    """The level-2 sections of a page by heading (what precedes the first is left out)."""
    sections: dict[str, str] = {}
    heading: str | None = None
    lines: list[str] = []
    in_code = False
    for line in [*text.splitlines(), "## "]:
        in_code ^= line.startswith("```")
        if line.startswith("## ") and not in_code:
            if heading is not None:
                sections[heading] = "\n".join(
                    x for x in lines if not x.startswith("<a id=")
                ).strip()
            heading, lines = line[3:].strip(), []
        else:
            lines.append(line)
    return sections


def methodology_guide(ref: str) -> MethodologyGuide:
    """The guide of the methodology `ref` (a bare id means its latest version).

    Raises :class:`~carbonledger.accounting.errors.UnknownMethodologyError`.
    """
    methodology = get_methodology(ref)
    table = factor_table(*methodology.factor_sets)
    description = methodology.describe()
    sources: list[SourceGuide] = []
    for source in methodology.sources.values():
        described = source.describe()
        defaults: list[DefaultFactor] = []
        for parameter in source.params:
            default = parameter.default
            if default is None:
                continue
            if MATERIAL in default:
                prefix, _, suffix = default.partition(MATERIAL)
                for key in sorted(table.keys_with_prefix(prefix)):
                    material = (
                        key[len(prefix) : len(key) - len(suffix)] if key.endswith(suffix) else ""
                    )
                    if material and "." not in material:
                        defaults.append(DefaultFactor(parameter.name, material, table[key]))
            elif default in table:
                defaults.append(DefaultFactor(parameter.name, None, table[default]))
        sources.append(SourceGuide(described, tuple(defaults)))
    text_zh, text_en = guide_page(methodology.ref)
    return MethodologyGuide(
        {k: v for k, v in description.items() if k != "sources"},
        tuple(sources),
        text_zh,
        text_en,
    )
