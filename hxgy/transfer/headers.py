"""Finding a kind's header row in a sheet and the rows under it that hold data; refusing, by name, a sheet whose
headers are wrong, hidden, or of another kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from hxgy import formats
from hxgy.transfer.files import HEADER_SEARCH_ROWS, INSTRUCTIONS_SHEET, OPTIONS_SHEET, FileRefused, Row, RowNo, Table
from hxgy.transfer.kinds import KINDS, Column, Kind
from hxgy.transfer.values import clean_text, normalise_header


@dataclass
class Located:
    """A table whose header row has been found and matched to a kind's columns."""

    source: str
    header_row: int
    headers: list[str]  # as written in the file
    positions: dict[str, int]  # column key -> index in a row
    extra_columns: list[str] = field(default_factory=list)  # headers we do not use
    rows: list[Row] = field(default_factory=list)
    delimited: bool = False
    skipped: int = 0  # title, note, 合计 and repeated-header rows, and rows with only a 序号, not counted as data


def locate(table: Table, kind: Kind, *, extra: Iterable[Column] = ()) -> Located:
    """Find the header row among the first rows and match each of the kind's columns to a position.

    Headers may be in any order, with spaces, full-width characters or a * marking required columns;
    unknown columns are kept aside and reported.
    """
    columns = list(kind.columns) + list(extra)
    names: dict[str, str] = {}
    for column in columns:
        for header in (column.header, *column.aliases):
            names.setdefault(normalise_header(header), column.key)
    if not table.rows:
        raise FileRefused(f"“{table.source}”是空的，没有表头也没有数据")
    best: tuple[int, int] | None = None  # (matches, index in table.rows)
    for index, (_number, values) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        found = {names.get(normalise_header(v)) for v in values} - {None}
        if found and (best is None or len(found) > best[0]):
            best = (len(found), index)
    required = [c for c in columns if c.required]
    if best is None:
        raise FileRefused(
            f"在“{table.source}”的前 {HEADER_SEARCH_ROWS} 行没有找到“{kind.title}”的表头；"
            f"应有列：{'、'.join(c.header for c in required)}。请使用下载的模板" + _looks_like(table, kind)
        )
    header_number, header_values = table.rows[best[1]]
    try:
        return _located(table, kind, columns, names, required, header_number, header_values, best[1])
    except FileRefused as exc:
        exc.matched = best[0]
        raise


def _located(
    table: Table,
    kind: Kind,
    columns: list[Column],
    names: dict[str, str],
    required: list[Column],
    header_number: int,
    header_values: list[object],
    header_index: int,
) -> Located:
    positions: dict[str, int] = {}
    extra_columns: list[str] = []
    duplicated: list[str] = []
    for position, value in enumerate(header_values):
        key = names.get(normalise_header(value))
        if key is None:
            if clean_text(value):
                extra_columns.append(clean_text(value))
        elif key in positions:
            duplicated.append(clean_text(value))
        else:
            positions[key] = position
    if duplicated:
        raise FileRefused(f"第 {header_number} 行表头中“{'、'.join(duplicated)}”出现了两次；请删去多余的一列")
    missing = [c.header for c in required if c.key not in positions]
    if missing:
        raise FileRefused(f"第 {header_number} 行表头缺少必填列：{'、'.join(missing)}" + _looks_like(table, kind))
    better = _better_kind(header_values, kind, len(positions))
    if better is not None:
        raise FileRefused(
            f"这个文件的表头更像“{better.title}”（而不是“{kind.title}”）；请在导入时选对数据类型，以免写错数据"
        )
    rows, skipped = _data_rows(table.rows[header_index + 1 :], positions, names, header_values)
    if not rows:
        raise FileRefused(f"“{table.source}”只有表头，没有数据行")
    return Located(
        table.source,
        header_number,
        [clean_text(v) for v in header_values],
        positions,
        extra_columns,
        rows,
        table.delimited,
        skipped,
    )


# the first filled cell of a row under the table that is not data: totals, who filled it in, notes
FOOTER = re.compile(
    r"^(合\s*计|总\s*计|小\s*计|共\s*计|汇\s*总|填\s*表|填\s*报|制\s*表|审\s*核|核\s*对|统\s*计\s*人|负责人|"
    r"班主任(签字|签名)|签\s*字|签\s*名|注\s*[:：0-9一二三1-9、.．]|备\s*注\s*[:：]|说\s*明\s*[:：]|"
    r"以上|本表|联系电话\s*[:：]|日\s*期\s*[:：])"
)
SERIAL_HEADERS = frozenset({"序号", "编号", "no", "no.", "行号"})


def _data_rows(
    rows: list[Row], positions: dict[str, int], names: dict[str, str], header_values: list[object]
) -> tuple[list[Row], int]:
    """The rows that hold data: not a header repeated in the middle of the data, not the 合计, 填表人 or note rows
    under the table, not a pre-numbered row with only its 序号 (or only spaces) filled in."""
    mapped = set(positions.values())
    leftmost = min(mapped) + 1 if mapped else 1
    serial = {i for i, v in enumerate(header_values) if normalise_header(v).lower() in SERIAL_HEADERS}
    # a header is short: a longer cell (a note, a date, a name with its class) is not one, and is not normalised
    longest = max((len(n) for n in names), default=0) + 8
    header_like: dict[str, bool] = {}
    kept: list[Row] = []
    skipped = 0
    footer_seen = False
    for number, values in rows:
        texts = [clean_text(v) for v in values]
        filled = [i for i, t in enumerate(texts) if t]
        filled_mapped = [i for i in filled if i in mapped]
        if not filled_mapped and all(i in serial or _is_integer(texts[i]) for i in filled):
            skipped += 1  # only a 序号, or nothing but spaces and invisible characters
            continue
        repeated = 0
        for i in filled_mapped:
            text = texts[i]
            if len(text) <= longest:
                known = header_like.get(text)
                if known is None:
                    if len(header_like) > 50_000:
                        header_like.clear()
                    known = header_like[text] = normalise_header(text) in names
                repeated += known
        if repeated >= max(2, (len(filled_mapped) + 1) // 2):
            skipped += 1  # the header again (a printout's page header, two tables pasted one under the other)
            continue
        first = filled[0] if filled else None
        if (first is not None and first <= leftmost and FOOTER.match(texts[first])) or (
            footer_seen and len(filled_mapped) <= 1
        ):
            footer_seen = True
            skipped += 1
            continue
        kept.append((number, values))
    return kept, skipped


def _is_integer(text: str) -> bool:
    return text.isdigit() and len(text) <= 6


def locate_all(tables: list[Table], kind: Kind, *, extra: Iterable[Column] = ()) -> list[Located]:
    """The sheets that hold the kind's data, wherever they are in the workbook (after a 封面 or 填写说明 sheet),
    all of them when there is one sheet per class.

    Refused, naming the sheets: a hidden sheet with the kind's header (never imported silently), and a workbook
    whose sheets disagree about what they are (one 沟通记录, another 志愿服务).
    """
    extra = list(extra)
    if len(tables) == 1 and tables[0].source.strip() not in (INSTRUCTIONS_SHEET, OPTIONS_SHEET):
        return [locate(tables[0], kind, extra=extra)]
    found: list[tuple[Table, Located]] = []
    refusals: list[tuple[Table, FileRefused]] = []
    for table in tables:
        if not table.rows or table.source.strip() in (INSTRUCTIONS_SHEET, OPTIONS_SHEET):
            continue
        try:
            found.append((table, locate(table, kind, extra=extra)))
        except FileRefused as exc:
            wrong = exc.matched >= 2 and not table.hidden and not exc.args[0].endswith("没有数据行")
            if wrong and _other_kind(table, kind) is None:
                raise FileRefused(f"工作表“{table.source}”：{exc}") from exc  # a header of this kind, but wrong
            refusals.append((table, exc))
    hidden = [t.source for t, _l in found if t.hidden]
    if hidden:
        raise FileRefused(
            f"工作表“{'”“'.join(hidden)}”是隐藏的，里面有{kind.title}的表头；隐藏的工作表不会被悄悄导入。"
            "如要导入，请在 Excel/WPS 中取消隐藏；如不要，请删除这个工作表后再上传"
        )
    if not found:
        visible = [(t, e) for t, e in refusals if not t.hidden and t.source.strip() != INSTRUCTIONS_SHEET]
        first = next(iter(visible or refusals), None)
        if first is None:
            raise FileRefused(f"工作簿里只有“{INSTRUCTIONS_SHEET}”，没有填写数据的工作表")
        table, refused = first
        raise FileRefused(f"工作表“{table.source}”：{refused}") from refused
    others = []
    for table, _exc in refusals:
        other = _other_kind(table, kind)
        if other is not None:
            others.append(f"“{table.source}”像是{other.title}")
    if others:
        raise FileRefused(
            f"工作表“{'”“'.join(t.source for t, _l in found)}”是{kind.title}，而工作表{'，'.join(others)}；"
            "各工作表说的不是同一种数据，未导入。请把不同的数据分成不同的文件，分别选对数据类型导入"
        )
    located = [loc for _t, loc in found]
    if len(located) > 1:
        for table, loc in found:
            loc.rows = [(RowNo(n.number, table.source, table.index), v) for n, v in loc.rows]
    return located


def _other_kind(table: Table, kind: Kind) -> Kind | None:
    """Another kind whose required headers a sheet has (its header row among the first rows); of several, the one
    more of whose columns the sheet has (a volunteer sheet has 家长姓名 as a 家委会名单 does, and more)."""
    for _number, values in table.rows[:HEADER_SEARCH_ROWS]:
        if len({normalise_header(v) for v in values} - {""}) >= 2 and (other := _best_fit(values, kind)):
            return other
    return None


def _best_fit(values: Iterable[object], kind: Kind, *, more_than: int = 0) -> Kind | None:
    """The kind other than ``kind`` whose required columns all are among ``values`` (headers, aliases) and which
    has the most columns there, more than ``more_than``; None when none fits."""
    seen = {normalise_header(v) for v in values} - {""}
    best, best_count = None, more_than
    for other in KINDS.values():
        if other.key == kind.key or other.table == kind.table:
            continue
        names = {c.key: {normalise_header(h) for h in (c.header, *c.aliases)} for c in other.columns}
        found = {key for key, headers in names.items() if headers & seen}
        if all(c.key in found for c in other.columns if c.required) and len(found) > best_count:
            best, best_count = other, len(found)
    return best


def _better_kind(header_values: list[object], kind: Kind, matched: int) -> Kind | None:
    """Another kind whose columns the headers fit better (a communications file chosen as 学生名册)."""
    return _best_fit(header_values, kind, more_than=matched)


def _looks_like(table: Table, kind: Kind) -> str:
    """When the headers fit another kind better, say so (a volunteer file uploaded as communications)."""
    seen = [v for _n, values in table.rows[:HEADER_SEARCH_ROWS] for v in values]
    other = _best_fit(seen, kind)
    return f"（这个文件看起来是“{other.title}”，请在导入时选对数据类型）" if other else ""


def example_values(columns: list[Column], located: Located) -> dict[int, str]:
    """The template's example row by position, so a row left as it came is skipped, not imported."""
    out: dict[int, str] = {}
    for column in columns:
        position = located.positions.get(column.key)
        if position is not None and clean_text(column.example):
            out[position] = clean_text(column.example)
    return out


def is_example(values: list[object], located: Located, example: dict[int, str]) -> bool:
    """Whether a row is the template's example row, left as it came."""
    for position in located.positions.values():
        cell = clean_text(values[position]) if position < len(values) else ""
        wanted = example.get(position, "")
        if cell != wanted and not (wanted and _same_date(cell, wanted)):
            return False
    return True


def _same_date(cell: str, wanted: str) -> bool:
    return cell[:10] == wanted[:10] and len(wanted) >= 10 and cell.startswith(wanted[:10])


def preview(located: Located, rows: int = 20) -> pd.DataFrame:
    """The first rows as read, headed as in the file, with the spreadsheet's row numbers; a phone number as every
    screen shows it (hxgy.formats.mask_phone), whole in the file."""
    width = len(located.headers)
    phone = located.positions.get("phone")

    def shown(position: int, value: object) -> str:
        text = clean_text(value)
        return formats.mask_phone(text) if position == phone and not formats.is_masked_phone(text) else text

    frame = pd.DataFrame(
        [[shown(i, v) for i, v in enumerate((values + [None] * width)[:width])] for _n, values in located.rows[:rows]],
        columns=[h or f"列{i + 1}" for i, h in enumerate(located.headers)],
    )
    frame.index = [getattr(n, "number", n) for n, _v in located.rows[:rows]]
    return frame
