"""The pieces a report is drafted into: blocks in reading order, tables, and the writer that numbers sections.

The .docx (``hxgy.report.document``) and the page preview both render the same ``Draft``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hxgy.report.figures import ReportFigures

SECTION_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 23 → 二十三 (1 to 99)."""
    if n <= 10:
        return SECTION_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else SECTION_NUMERALS[tens - 1]) + "十" + (SECTION_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Block:
    """One piece of the report, in reading order.

    kind: "heading" (level 1 or 2), "paragraph" (with an optional bold ``lead``),
    "bullet", "chart" (``key`` names the chart, ``text`` is its caption),
    "table" (``key`` names a table of ``Draft.tables``, ``text`` is its title) or
    "signature" (the 落款: ``text`` the signer, ``lead`` the date, both right-aligned).
    """

    kind: str
    text: str = ""
    lead: str = ""
    level: int = 1
    key: str = ""


@dataclass(frozen=True)
class Table:
    """A table of the report: headers and rows of text, as printed."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    note: str = ""
    widths: tuple[float, ...] = ()  # column widths in cm (on a landscape A4 page), empty: Word decides


@dataclass
class Draft:
    """The drafted report: title, stamp line, blocks in order, and the tables the blocks refer to."""

    title: str
    stamp: str
    blocks: list[Block] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    file_name: str = ""

    def text(self) -> str:
        """Every heading, paragraph and bullet as plain text (for previews and tests)."""
        lines = [self.title, self.stamp]
        for block in self.blocks:
            if block.kind in ("heading", "paragraph", "bullet"):
                lines.append(block.lead + block.text)
            elif block.kind == "signature":
                lines += [block.text, block.lead]
        return "\n".join(lines)


class Writer:
    """Collects the blocks of a draft, numbering the sections 一、二、三…."""

    def __init__(self, fig: ReportFigures) -> None:
        self.fig = fig
        self.blocks: list[Block] = []
        self.tables: dict[str, Table] = {}
        self.sections = 0
        self.leads = 0
        self.charts = 0

    def section(self, title: str) -> None:
        self.sections += 1
        self.leads = 0
        self.blocks.append(Block("heading", f"{numeral(self.sections)}、{title}", level=1))

    def subheading(self, title: str) -> None:
        """A heading under a section (Heading 2), not numbered."""
        self.blocks.append(Block("heading", title, level=2))

    def paragraph(self, text: str, lead: str = "") -> None:
        """A paragraph; a ``lead`` (e.g. 沟通覆盖) is numbered in its section: （二）沟通覆盖。"""
        if not text:
            return
        if lead:
            self.leads += 1
            lead = f"（{numeral(self.leads)}）{lead}。"
        self.blocks.append(Block("paragraph", text, lead=lead))

    def signature(self, signer: str, day: str) -> None:
        """The 落款: who signs (the school) and the date, right-aligned at the end of the text."""
        self.blocks.append(Block("signature", signer, lead=day))

    def bullet(self, text: str) -> None:
        self.blocks.append(Block("bullet", text))

    def chart(self, key: str, caption: str) -> None:
        self.charts += 1
        self.blocks.append(Block("chart", f"图{self.charts}　{caption}", key=key))

    def table(self, key: str, table: Table) -> None:
        self.tables[key] = table
        self.blocks.append(Block("table", table.title, key=key))
