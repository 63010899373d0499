"""Excel downloads of what is on screen: Chinese headers, the filters used, nothing a spreadsheet would run."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hxgy.formats import excel_format
from hxgy.metrics.measures import MEASURES, header_measure
from hxgy.metrics.overview import COUNT_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_bytes(sheets: Mapping[str, pd.DataFrame], *, stamp: str) -> bytes:
    """An .xlsx with one sheet per table; the first row says what the figures cover.

    Figures stay numbers; a column headed by a measure's Chinese name gets its format (96.5%, 12.5).
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = frame.copy()
            for column in safe.columns:
                if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
                    safe[column] = safe[column].map(neutralise)
            sheet_name = name[:31]
            safe.to_excel(writer, sheet_name=sheet_name, index=False, startrow=2)
            sheet = writer.sheets[sheet_name]
            sheet["A1"] = neutralise(name)
            sheet["A1"].font = Font(bold=True, size=13)
            sheet["A2"] = neutralise(stamp)
            for i, column in enumerate(safe.columns, start=1):
                key = header_measure(str(column))
                number_format = excel_format(key) if key else None
                if number_format and pd.api.types.is_numeric_dtype(safe[column]):
                    for (cell,) in sheet.iter_rows(min_row=4, min_col=i, max_col=i):
                        cell.number_format = number_format
                width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)]) + 2
                sheet.column_dimensions[get_column_letter(i)].width = min(40, max(8, width * 1.6))
    return buffer.getvalue()


# The per-class table of every measure, as `python -m hxgy metrics` writes it.
METRIC_COLUMNS = [
    "class_name", "grade_level", "students",
    "contacts", "individual_contacts", "contacts_per_week", "contacts_per_family",
    "contacted_students", "contact_coverage", "visited_students", "home_visit_coverage",
    "requests", "requests_on_time", "requests_due", "response_on_time",
    "volunteer_records", "volunteer_hours", "volunteer_families", "volunteer_participation", "hours_per_family",
    "moral_evaluated", "moral_good", "moral_good_rate", "moral_average", "moral_scored", "moral_completion",
    "satisfaction_respondents", "satisfaction_satisfied", "satisfaction",
    "class_activities", "parents_attended", "attendance_base", "parent_attendance",
]  # fmt: skip
METRIC_COLUMNS += [k for k, m in MEASURES.items() if m.per_class and k not in METRIC_COLUMNS]  # measures added later
SCHOOL_ROW = "全校合计"


def metrics_table(frame: pd.DataFrame, figures: Mapping[str, float], total_label: str = SCHOOL_ROW) -> pd.DataFrame:
    """Every class's measures, then one row for the view as a whole (rates as fractions, NaN = no data)."""
    rows = frame.reindex(columns=METRIC_COLUMNS).copy()
    total: dict[str, float | str | None] = {column: figures.get(column) for column in METRIC_COLUMNS}
    total.update(class_name=total_label, grade_level=None)
    table = pd.concat([rows, pd.DataFrame([total])], ignore_index=True)
    whole = [c for c in METRIC_COLUMNS if c in COUNT_COLUMNS and c != "volunteer_hours"] + ["grade_level"]
    return table.astype({c: "Int64" for c in whole})
