"""Numbers in words: every figure of the report in its measure's unit and precision, with its base and change.

Every rate states its base ("家访覆盖率 99.0%（覆盖 1,412 名学生中的 1,398 名）"), every
change names what it is compared with, and a figure without data reads 暂无数据 or its
sentence is left out — never "nan".
"""

from __future__ import annotations

from datetime import date

from hxgy import formats
from hxgy.glossary import grade_name
from hxgy.metrics import small_groups
from hxgy.metrics.measures import label, measure
from hxgy.report.figures import ReportFigures

NO_DATA_TEXT = "暂无数据"


def missing(value: float | None) -> bool:
    """True when a figure has no data (None or NaN)."""
    return formats.missing(value)


def whole(value: float | None) -> str:
    """A count written with thousands separators: 1,412."""
    return "0" if value is None or missing(value) else f"{round(value):,}"


def value_text(key: str, value: float | None) -> str:
    """A measure in its own unit and precision (96.5%, 366.5 小时, 2.9 次, 88.6 分, 6 场); 暂无数据 without data."""
    if missing(value):
        return NO_DATA_TEXT
    return formats.measure_value(key, value)


def goal_text(key: str, value: float | None) -> str:
    """A target as the school typed it (100%, 3 次)."""
    return formats.target_value(key, value)


def chinese_day(day: date) -> str:
    """2026年2月24日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(fig: ReportFigures) -> str:
    """本学期（2026年2月24日至7月5日） — or, while it runs, up to today."""
    start, end = fig.period.start, fig.period.end
    end_text = f"{end.month}月{end.day}日" if end.year == start.year else chinese_day(end)
    if fig.period.in_progress:
        return f"本学期开学以来（{chinese_day(start)}至{end_text}，学期尚在进行）"
    return f"本学期（{chinese_day(start)}至{end_text}）"


def compared_label(fig: ReportFigures) -> str:
    """上学期, or 上学期同期 while the term still runs."""
    if fig.compared is None:
        return ""
    return "上学期同期" if fig.compared.label.endswith("同期") else "上学期"


def change_text(fig: ReportFigures, key: str, now: float | None = None, before: float | None = None) -> str:
    """较上学期提高 2.3 个百分点 / 下降 / 持平; empty without a previous term or data."""
    if now is None:
        now = fig.figures.get(key)
    if before is None:
        before = fig.before.get(key) if fig.before else None
    label = compared_label(fig)
    if not label:
        return ""
    return _change(key, now, before, f"较{label}", f"与{label}持平")


def year_on_year_text(fig: ReportFigures, key: str) -> str:
    """同比提高 5.2 个百分点 / 同比下降 / 同比持平 (the same term last year, same children); empty without one."""
    if fig.year_before is None:
        return ""
    return _change(key, fig.figures.get(key), fig.year_before.get(key), "同比", "同比持平")


def _change(key: str, now: float | None, before: float | None, prefix: str, level: str) -> str:
    """{prefix}提高 2.3 个百分点 (rates in points, the others in their unit), or ``level`` when equal as shown."""
    if missing(now) or missing(before):
        return ""
    m = measure(key)
    diff = (m.rounded(now) or 0.0) - (m.rounded(before) or 0.0)
    up, down = m.change_words
    if m.is_rate:
        diff, unit = round(diff * 100, m.digits), " 个百分点"
    else:
        diff, unit = round(diff, m.digits), f" {m.unit}" if m.unit else ""
    amount = f"{abs(diff):,.{m.digits}f}"
    if diff == 0:
        return level
    return f"{prefix}{up if diff > 0 else down} {amount}{unit}"


def target_text(fig: ReportFigures, key: str) -> str:
    """达到目标（100.0%） / 未达到目标（100.0%） — on pace while the term runs; empty without a target or data."""
    card = fig.cards.get(key)
    if not card or card.target is None or missing(card.value):
        return ""
    met = card.status == "green"
    if card.status == "incomplete":
        return f"评价尚未完成（完成率低于 {fig.completion_min * 100:g}%），暂不与目标比较"
    goal = goal_text(key, card.target)
    if fig.period.in_progress and card.target_now != card.target:
        now_goal = value_text(key, card.target_now)
        return f"{'已达到' if met else '未达到'}按进度目标（{now_goal}，全学期目标 {goal}）"
    return f"{'达到' if met else '未达到'}目标（{goal}）"


def tail(*parts: str) -> str:
    """Clauses joined by Chinese commas, leading comma included; empty when there are none."""
    kept = [p for p in parts if p]
    return "，" + "，".join(kept) if kept else ""


def rate_text(fig: ReportFigures, key: str, base: str, *, year_on_year: bool = False) -> str:
    """家访覆盖率 99.0%（覆盖 1,412 名学生中的 1,398 名），较上学期…[，同比…]，达到目标… — or 家访覆盖率暂无数据."""
    name = label(key)
    value = fig.figures.get(key)
    if missing(value):
        return f"{name}{NO_DATA_TEXT}"
    if fig.hidden(key):
        return f"{name}{hidden_text(key)}"
    yoy = year_on_year_text(fig, key) if year_on_year else ""
    return f"{name} {value_text(key, value)}（{base}）" + tail(change_text(fig, key), yoy, target_text(fig, key))


def hidden_text(key: str) -> str:
    """不显示（件数不足 5 件，为保护隐私不单独显示）."""
    return f"{small_groups.HIDDEN}（{small_groups.reason(key)}）"


def left_out_note(fig: ReportFigures, key: str | None = None) -> str:
    """为保护学生隐私，2 个班级的该项指标未单独列出（…）。 — empty when every class is shown."""
    hidden = int(fig.class_hidden(key or "students").sum())
    if not hidden:
        return ""
    what = "的该项指标" if key and small_groups.base_of(key) != small_groups.STUDENTS else ""
    return (
        f"为保护学生隐私，{hidden} 个班级{what}未单独列出（{small_groups.too_few(key or 'students')}，"
        "或可据此推算出这样的班级），已计入合计。"
    )


def coverage_base(fig: ReportFigures, numerator: str, verb: str = "覆盖") -> str:
    """覆盖 1,412 名学生中的 1,398 名."""
    return f"{verb} {whole(fig.figures['students'])} 名学生中的 {whole(fig.figures[numerator])} 名"


def share(part: float, total: float) -> str:
    """A part of a total as a percentage (占 31.6%)."""
    return formats.percent(part / total) if total else NO_DATA_TEXT


# --- classes that stand out ---------------------------------------------------------------


def standouts(fig: ReportFigures, key: str, limit: int = 3) -> str:
    """各班中，家访覆盖率最高的是三(2)班（100.0%），最低的是五(1)班（88.6%）。 — empty with fewer than two classes."""
    frame = fig.classes[["class_name", key]].dropna()
    if len(frame) < 2:
        return ""
    shown = [(name, value_text(key, value), value) for name, value in zip(frame["class_name"], frame[key], strict=True)]
    best_value = max(v for *_, v in shown)
    low_value = min(v for *_, v in shown)
    best_text = value_text(key, best_value)
    low_text = value_text(key, low_value)
    name = label(key)
    if best_text == low_text:
        return f"各班{name}均为 {best_text}。"
    best = [name for name, text, _ in shown if text == best_text]
    low = [name for name, text, _ in shown if text == low_text]

    def names(chosen: list[str]) -> str:
        listed = "、".join(chosen[:limit])
        return listed + (f"等 {len(chosen)} 个班" if len(chosen) > limit else "")

    return f"各班中，{name}最高的是{names(best)}（{best_text}），最低的是{names(low)}（{low_text}）。"


def grade_range(fig: ReportFigures, key: str) -> str:
    """家访覆盖率在 93.1%（五年级）至 100.0%（二年级）之间 — for the whole-school overview."""
    grades = fig.grades
    if grades.empty or key not in grades or grades[key].notna().sum() < 2:
        return ""
    rows = grades.dropna(subset=[key]).sort_values(key)
    low, high = rows.iloc[0], rows.iloc[-1]
    name = label(key)
    hidden = 0
    if fig.hiding is not None:
        hidden = sum(fig.hiding.grade_hidden(int(g), key) for g in grades["grade_level"])
    aside = f"（另有 {hidden} 个年级为保护隐私不单独显示）" if hidden else ""
    if value_text(key, low[key]) == value_text(key, high[key]):
        return f"{'其余' if hidden else ''}各年级{name}均为 {value_text(key, high[key])}{aside}"
    return (
        f"{name}在 {value_text(key, low[key])}（{grade_name(int(low['grade_level']))}）"
        f"至 {value_text(key, high[key])}（{grade_name(int(high['grade_level']))}）之间{aside}"
    )
