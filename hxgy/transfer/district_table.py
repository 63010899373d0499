"""全区统计表: one row per school of a district for one term, as the district asks for it, in an .xlsx.

The figures are the 全区 page's own (hxgy.metrics.stats.district_school_table over each school's term of that
school year and number, from the pre-aggregated class_term_stats); activities, partners and the 工作要求 come from
hxgy.metrics.activities, hxgy.metrics.partners and hxgy.compliance.school_results. A last row adds the district up
(counts summed, rates recomputed from the sums: overview.combine). No child, family or member of staff is named,
and a rule about 1 to MIN_GROUP − 1 new or flagged students of a school (compliance.too_few) is not judged in the
file.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from hxgy import compliance, formats, glossary
from hxgy.exports import neutralise
from hxgy.metrics import activities, measures, overview, partners, stats
from hxgy.metrics.roster import ClassFilter
from hxgy.metrics.small_groups import MIN_GROUP
from hxgy.queries.district import district_schools, school_term
from hxgy.terms import Period, term_period

SHEET = "各校统计"
NOTES_SHEET = "说明"
TOTAL_ROW = "全区合计"
NOT_ENABLED = "未启用"
TOO_FEW = f"不足{MIN_GROUP}个对象"
NO_TERM, NOT_BEGUN = "未设置该学期", "该学期尚未开始"  # a school's row without figures
INTEGER, ONE_DECIMAL = "0", "0.0"
# the measures of a school's row, in order (hxgy.metrics.measures: label, unit and Excel format)
MEASURE_KEYS = (
    "contact_coverage",
    "home_visit_coverage",
    "contacts_per_family",
    "volunteer_participation",
    "volunteer_hours",
    "moral_good_rate",
    "satisfaction",
    "response_on_time",
)


@dataclass(frozen=True)
class TableColumn:
    """A column of the table: its header, the Excel format of its numbers (None: text), what it means."""

    header: str
    number_format: str | None
    meaning: str


@dataclass(frozen=True)
class DistrictTable:
    """The table: title, columns, one row per school, the district's row."""

    district: str
    term_name: str
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[object, ...], ...]
    total: tuple[object, ...]

    def frame(self) -> pd.DataFrame:
        """The schools and the district's row as a DataFrame headed in Chinese (None: no figure)."""
        return pd.DataFrame([*self.rows, self.total], columns=[c.header for c in self.columns])


def _measure_column(key: str) -> TableColumn:
    m = measures.MEASURES[key]
    unit = f"（{m.unit}）" if m.unit and not m.is_rate and m.unit not in m.label else ""
    return TableColumn(m.label + unit, formats.excel_format(key), m.label + "，与“全区”页面相同（docs/measures.md）")


def _number(value: object) -> float | None:
    """A figure for a cell: None where there is none (NaN: no base)."""
    if not isinstance(value, numbers.Real):  # None, or pandas' NA (numpy numbers are Real)
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _count(value: object) -> int:
    """A count of a row (0 for a school without the term)."""
    number = _number(value)
    return int(number) if number is not None else 0


def _periods(
    session: Session, district: str, start_year: int, term_no: int, today: date
) -> tuple[list[tuple[int, str]], dict[int, Period], set[int]]:
    """The district's schools (id, name); for those that have the term and have begun it, its period; the schools
    whose term has not begun yet."""
    schools, periods, waiting = [], {}, set()
    for school in district_schools(session, district=district):
        schools.append((school.id, school.name))
        term = school_term(session, school_id=school.id, start_year=start_year, term_no=term_no)
        if term is not None and term.start_date <= today:
            periods[school.id] = term_period(term, today)
        elif term is not None:
            waiting.add(school.id)
    return schools, periods, waiting


def district_table(
    session: Session, *, district: str, start_year: int, term_no: int, today: date, now: datetime
) -> DistrictTable:
    """The 统计表 of a district for the term ``term_no`` of the school year starting ``start_year``."""
    schools, periods, waiting = _periods(session, district, start_year, term_no, today)
    empty = pd.DataFrame(columns=["school_id"])
    figures = stats.district_school_table(session, district=district, terms=periods, now=now) if periods else empty
    by_school = figures.set_index("school_id") if not figures.empty else figures
    class_rows = stats.district_class_table(session, terms=periods) if periods else pd.DataFrame()
    classes = (
        class_rows[class_rows["students"] > 0].groupby("school_id").size().to_dict() if not class_rows.empty else {}
    )

    held: dict[int, int] = {}
    bases: dict[int, int] = {}
    signed: dict[int, dict[str, int]] = {}
    judged: dict[int, dict[str, str]] = {}
    rule_headers: dict[str, str] = {}
    for school_id, period in periods.items():
        whole = ClassFilter(school_id)
        held[school_id] = int(activities.participation_totals(session, period, whole)["activities"] or 0)
        bases[school_id] = partners.practice_bases_used(session, period, whole)
        signed[school_id] = dict(partners.partners_by_type(session, school_id, period.end))
        judged[school_id] = {}
        for result in compliance.school_results(session, school_id, period, now):
            rule = result.rule
            rule_headers.setdefault(rule.code, f"工作要求：{rule.label}")
            judged[school_id][rule.code] = (
                TOO_FEW if compliance.too_few(result, subgroups_only=True) else compliance.STATUS_LABELS[result.status]
            )
    types: list[str] = []
    for school_id in periods:
        types += [t for t in signed[school_id] if t not in types]

    columns = [
        TableColumn("学校", None, "本区使用本系统的学校"),
        TableColumn("学期", None, "该校该学期的名称；未设置或尚未开始该学期的学校无数据"),
        TableColumn("学生数", INTEGER, "该学期在读学生（各班之和）"),
        TableColumn("班级数", INTEGER, "该学期有学生的班级"),
        *(_measure_column(key) for key in MEASURE_KEYS),
        TableColumn("协同活动（场）", INTEGER, "该学期开展的协同活动场次"),
        *(
            TableColumn(f"签约{name}（家）", INTEGER, f"启用且签约日期不晚于学期末（进行中的学期：今天）的{name}")
            for name in types
        ),
        TableColumn("使用校外实践基地（个）", INTEGER, "该学期开展过活动的校外实践基地"),
        *(
            TableColumn(header, None, f"达标/未达标/未到期；{NOT_ENABLED}：该校未启用；{TOO_FEW}：关爱学生过少，不判断")
            for header in rule_headers.values()
        ),
    ]

    rows: list[tuple[object, ...]] = []
    for school_id, name in schools:
        span = periods.get(school_id)
        if span is None:
            label = NOT_BEGUN if school_id in waiting else NO_TERM
            rows.append((name, label, *([None] * (len(columns) - 2))))
            continue
        row: list[object] = [name, span.label]
        known = school_id in by_school.index
        row.append(_number(by_school.at[school_id, "students"]) if known else None)
        row.append(classes.get(school_id, 0))
        row += [_number(by_school.at[school_id, key]) if known else None for key in MEASURE_KEYS]
        row.append(held[school_id])
        row += [signed[school_id].get(t, 0) for t in types]
        row.append(bases[school_id])
        row += [judged[school_id].get(code, NOT_ENABLED) for code in rule_headers]
        rows.append(tuple(row))

    total = _district_row(figures, periods, rows, len(types), rule_headers, judged)
    term_name = glossary.term_name(start_year, term_no)
    return DistrictTable(district, term_name, tuple(columns), tuple(rows), total)


def _district_row(
    figures: pd.DataFrame,
    periods: dict[int, Period],
    rows: Sequence[tuple[object, ...]],
    partner_types: int,
    rule_headers: dict[str, str],
    judged: dict[int, dict[str, str]],
) -> tuple[object, ...]:
    """The district as a whole: counts summed, rates from the summed counts, how many schools met each rule."""
    counted = [r for r in rows if r[1] not in (NO_TERM, NOT_BEGUN)]
    combined = overview.combine(figures, next(iter(periods.values()))) if periods and not figures.empty else {}
    first_count = 4 + len(MEASURE_KEYS)  # 协同活动, partners by type, 实践基地 follow the measures
    sums = [sum(_count(r[i]) for r in counted) for i in range(first_count, first_count + partner_types + 2)]
    met = []
    for code in rule_headers:
        statuses = [judged[s].get(code) for s in judged]
        met_count = sum(1 for s in statuses if s == compliance.STATUS_LABELS[compliance.MET])
        judged_count = sum(1 for s in statuses if s in (compliance.STATUS_LABELS[compliance.MET],
                                                        compliance.STATUS_LABELS[compliance.NOT_MET]))  # fmt: skip
        met.append(f"{met_count}/{judged_count} 所达标" if judged_count else "—")
    return (
        TOTAL_ROW,
        f"{len(counted)} 所学校",
        _number(combined.get("students")) if combined else None,
        sum(_count(r[3]) for r in counted),
        *[_number(combined.get(key)) if combined else None for key in MEASURE_KEYS],
        *sums,
        *met,
    )


def district_table_bytes(table: DistrictTable, *, now: datetime) -> bytes:
    """The table as an .xlsx: a title row naming the district and term, Chinese headers, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    width = len(table.columns)
    sheet.cell(1, 1, neutralise(f"{table.district}家校社协同育人统计表（{table.term_name}）")).font = Font(
        bold=True, size=14
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(2, 1, f"导出时间：{formats.beijing_time(now)}（北京时间）；进行中的学期统计至今天；比例以小数存储")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for i, column in enumerate(table.columns, start=1):
        cell = sheet.cell(3, i, column.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(24, len(column.header) * 2 + 2))
    for r, row in enumerate((*table.rows, table.total), start=4):
        for i, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(r, i, neutralise(value))
            if column.number_format and isinstance(value, int | float):
                cell.number_format = column.number_format
            if r == 3 + len(table.rows) + 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "C4"
    notes = book.create_sheet(NOTES_SHEET)
    notes.append(["列", "含义"])
    for column in table.columns:
        notes.append([column.header, column.meaning])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def district_table_file_name(district: str, term_name: str) -> str:
    """e.g. 测试区统计表_2025-2026学年第一学期.xlsx."""
    return f"{district}统计表_{term_name}.xlsx"
