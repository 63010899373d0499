"""How figures are written for people: 96.5%, 1,412, 12.5 小时, 无数据."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from hxgy.glossary import MEASURE_LABELS, NO_DATA
from hxgy.metrics.overview import MEASURES

SUFFIX = {"contacts_per_family": " 次", "contacts_per_week": " 次", "hours_per_family": " 小时"}


def missing(value: float | None) -> bool:
    """True for None or NaN (no data)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value: float | None, digits: int = 1) -> str:
    """0.9655 → 96.6%."""
    return NO_DATA if missing(value) else f"{value * 100:.{digits}f}%"


def number(value: float | None, digits: int = 1) -> str:
    """1412 → 1,412; 12.50 → 12.5."""
    if missing(value):
        return NO_DATA
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def measure_value(key: str, value: float | None) -> str:
    """A measure in its own unit: rates in %, hours with 小时, counts whole."""
    kind = MEASURES[key].kind if key in MEASURES else "ratio"
    if kind == "rate":
        return percent(value)
    if kind == "count":
        return NO_DATA if missing(value) else f"{int(value)}"
    if kind == "hours":
        return NO_DATA if missing(value) else f"{number(value)} 小时"
    return NO_DATA if missing(value) else number(value, 2) + SUFFIX.get(key, "")


def measure_delta(key: str, now: float | None, before: float | None) -> str | None:
    """The change against a comparison: percentage points for rates, plain difference otherwise."""
    if missing(now) or missing(before):
        return None
    diff = now - before
    kind = MEASURES[key].kind if key in MEASURES else "ratio"
    if kind == "rate":
        return f"{diff * 100:+.1f} 个百分点"
    if kind == "count":
        return f"{int(diff):+d}"
    return f"{diff:+,.1f}"


def name_list(names: list[str], limit: int = 8) -> str:
    """一(1)班、一(2)班… — at most ``limit`` names, then an ellipsis."""
    shown = "、".join(names[:limit])
    return shown + ("…" if len(names) > limit else "")


BEIJING_OFFSET = timedelta(hours=8)


def beijing_time(utc: datetime) -> str:
    """A UTC timestamp (as stored) in Beijing time: 2026-11-23 06:22."""
    return f"{utc + BEIJING_OFFSET:%Y-%m-%d %H:%M}"


# Excel number formats and on-screen formats by a measure's kind (see header_kind)
EXCEL_NUMBER_FORMATS = {"rate": "0.0%", "hours": "0.0", "ratio": "0.00"}


def header_measure(header: str) -> str | None:
    """The measure a Chinese column header names (家访覆盖率 → home_visit_coverage), or None."""
    for key, label in MEASURE_LABELS.items():
        if label == header:
            return key
    return None


def header_kind(header: str) -> str | None:
    """The kind of measure a Chinese column header names (rate, hours, ratio, count), or None."""
    key = header_measure(header)
    if key is None:
        return None
    return MEASURES[key].kind if key in MEASURES else "ratio"
