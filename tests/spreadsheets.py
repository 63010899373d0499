"""Real .xlsx files for import tests, written by openpyxl as a teacher's spreadsheet would be."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl


def workbook(
    headers: Sequence[object],
    rows: Sequence[Sequence[object]],
    *,
    before: Sequence[Sequence[object]] = (),
    after: Sequence[Sequence[object]] = (),
) -> bytes:
    """One sheet: the ``before`` rows (a title), the header row, the rows, the ``after`` rows (a 合计 row)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (*before, headers, *rows, *after):
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
