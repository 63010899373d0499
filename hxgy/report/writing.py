"""The report's text: Chinese sentences in the style of the schools' own reports, written from the figures.

``draft`` turns a ``ReportFigures`` into a ``Draft``: a title, a stamp line and
a list of blocks (headings, paragraphs, bullet points, charts to draw, tables).
The .docx (``hxgy.report.document``) and the page preview both render the same
draft. Every rate states its base ("家访覆盖率 99.0%（覆盖 1,412 名学生中的
1,398 名）"), every change names what it is compared with, and a figure without
data reads 暂无数据 or its sentence is left out — never "nan".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from hxgy import formats
from hxgy.glossary import GRADE_NUMERALS, MEASURE_LABELS, grade_name
from hxgy.metrics.overview import CLASS_STATUS_MEASURES, CLASS_TABLE_COLUMNS, MEASURES, measure
from hxgy.report.figures import TARGET_MEASURES, ReportFigures

SECTION_NUMERALS = "一二三四五六七八九十"
TITLE_TAIL = "家校社协同育人工作情况报告"
NO_DATA_TEXT = "暂无数据"

# the columns of the appendix table: the 总览 page's 各班指标明细
APPENDIX_COLUMNS: tuple[str, ...] = CLASS_TABLE_COLUMNS
APPENDIX_WIDTHS = {"class_name": 2.4, "students": 1.7, "volunteer_hours": 2.4}  # cm; the others 2.1
APPENDIX_HEADERS = {"class_name": "班级", "students": "学生数", **MEASURE_LABELS}
ACTIVITY_HEADERS = ("日期", "活动名称", "类型", "合作单位", "参与学生", "参与家长", "参与家庭")


@dataclass(frozen=True)
class Block:
    """One piece of the report, in reading order.

    kind: "heading" (level 1 or 2), "paragraph" (with an optional bold ``lead``),
    "bullet", "chart" (``key`` names the chart, ``text`` is its caption) or
    "table" (``key`` names a table of ``Draft.tables``, ``text`` is its title).
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
        return "\n".join(lines)


# --- numbers in words -------------------------------------------------------------


def missing(value: float | None) -> bool:
    """True when a figure has no data (None or NaN)."""
    return formats.missing(value)


def whole(value: float | None) -> str:
    """A count written with thousands separators: 1,412."""
    return "0" if missing(value) else f"{round(value):,}"


def value_text(key: str, value: float | None) -> str:
    """A measure in its own unit and precision (96.5%, 366.5 小时, 2.9 次, 88.6 分, 6 场); 暂无数据 without data."""
    if missing(value):
        return NO_DATA_TEXT
    return formats.measure_value(key, value)


def goal_text(key: str, value: float | None) -> str:
    """A target as the school typed it (100%, 3 次)."""
    return formats.target_value(key, value)


def chinese_day(day: object) -> str:
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
    if not label or missing(now) or missing(before):
        return ""
    m = measure(key)
    diff = (m.rounded(now) or 0.0) - (m.rounded(before) or 0.0)
    if m.kind == "rate":
        diff, unit, up, down = round(diff * 100, m.digits), " 个百分点", "提高", "下降"
    else:
        diff, unit = round(diff, m.digits), f" {m.unit}" if m.unit else ""
        up, down = ("增加", "减少") if m.kind in ("hours", "count") else ("提高", "下降")
    amount = f"{abs(diff):,.{m.digits}f}"
    if diff == 0:
        return f"与{label}持平"
    return f"较{label}{up if diff > 0 else down} {amount}{unit}"


def target_text(fig: ReportFigures, key: str) -> str:
    """达到目标（100.0%） / 未达到目标（100.0%） — on pace while the term runs; empty without a target or data."""
    card = fig.cards.get(key)
    if not card or card["target"] is None or missing(card["value"]):
        return ""
    met = card["status"] == "green"
    if card["status"] == "incomplete":
        return f"评价尚未完成（完成率低于 {fig.completion_min * 100:g}%），暂不与目标比较"
    goal = goal_text(key, card["target"])
    if fig.period.in_progress and card["target_now"] != card["target"]:
        now_goal = value_text(key, card["target_now"])
        return f"{'已达到' if met else '未达到'}按进度目标（{now_goal}，全学期目标 {goal}）"
    return f"{'达到' if met else '未达到'}目标（{goal}）"


def tail(*parts: str) -> str:
    """Clauses joined by Chinese commas, leading comma included; empty when there are none."""
    kept = [p for p in parts if p]
    return "，" + "，".join(kept) if kept else ""


def rate_text(fig: ReportFigures, key: str, base: str) -> str:
    """家访覆盖率 99.0%（覆盖 1,412 名学生中的 1,398 名），较上学期…，达到目标… — or 家访覆盖率暂无数据."""
    label = MEASURE_LABELS[key]
    value = fig.figures.get(key)
    if missing(value):
        return f"{label}{NO_DATA_TEXT}"
    return f"{label} {value_text(key, value)}（{base}）" + tail(change_text(fig, key), target_text(fig, key))


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
    label = MEASURE_LABELS[key]
    if best_text == low_text:
        return f"各班{label}均为 {best_text}。"
    best = [name for name, text, _ in shown if text == best_text]
    low = [name for name, text, _ in shown if text == low_text]

    def names(chosen: list[str]) -> str:
        listed = "、".join(chosen[:limit])
        return listed + (f"等 {len(chosen)} 个班" if len(chosen) > limit else "")

    return f"各班中，{label}最高的是{names(best)}（{best_text}），最低的是{names(low)}（{low_text}）。"


def grade_range(fig: ReportFigures, key: str) -> str:
    """家访覆盖率在 93.1%（五年级）至 100.0%（二年级）之间 — for the whole-school overview."""
    grades = fig.grades
    if grades.empty or key not in grades or grades[key].notna().sum() < 2:
        return ""
    rows = grades.dropna(subset=[key]).sort_values(key)
    low, high = rows.iloc[0], rows.iloc[-1]
    label = MEASURE_LABELS[key]
    if value_text(key, low[key]) == value_text(key, high[key]):
        return f"各年级{label}均为 {value_text(key, high[key])}"
    return (
        f"{label}在 {value_text(key, low[key])}（{grade_name(int(low['grade_level']))}）"
        f"至 {value_text(key, high[key])}（{grade_name(int(high['grade_level']))}）之间"
    )


# --- sections -------------------------------------------------------------------------------


class _Writer:
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
        self.blocks.append(Block("heading", f"{SECTION_NUMERALS[self.sections - 1]}、{title}", level=1))

    def paragraph(self, text: str, lead: str = "") -> None:
        """A paragraph; a ``lead`` (e.g. 沟通覆盖) is numbered in its section: （二）沟通覆盖。"""
        if not text:
            return
        if lead:
            self.leads += 1
            lead = f"（{SECTION_NUMERALS[self.leads - 1]}）{lead}。"
        self.blocks.append(Block("paragraph", text, lead=lead))

    def bullet(self, text: str) -> None:
        self.blocks.append(Block("bullet", text))

    def chart(self, key: str, caption: str) -> None:
        self.charts += 1
        self.blocks.append(Block("chart", f"图{self.charts}　{caption}", key=key))

    def table(self, key: str, table: Table) -> None:
        self.tables[key] = table
        self.blocks.append(Block("table", table.title, key=key))


def _overview(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("总体概况")
    scope = "全校" if fig.grade_level is None else grade_name(fig.grade_level)
    w.paragraph(
        f"{period_text(fig)}，{scope}共 {len(fig.classes)} 个班级、{whole(f['students'])} 名学生纳入统计。"
        "本报告根据平台记录的家校沟通、家访、家长志愿服务、德育评价、协同活动和家长满意度数据起草，"
        "各项比率均注明计算基数" + (f"，增减{fig.baseline.caption}" if fig.baseline is not None else "") + "。"
    )
    parts = [
        rate_text(fig, "contact_coverage", coverage_base(fig, "contacted_students")),
        rate_text(fig, "home_visit_coverage", coverage_base(fig, "visited_students")),
    ]
    if f["moral_evaluated"]:
        parts.append(
            rate_text(
                fig, "moral_good_rate", f"参评 {whole(f['moral_evaluated'])} 名学生中的 {whole(f['moral_good'])} 名"
            )
        )
    if f["satisfaction_respondents"]:
        parts.append(
            rate_text(
                fig,
                "satisfaction",
                f"{whole(f['satisfaction_respondents'])} 份答卷中满意 {whole(f['satisfaction_satisfied'])} 份",
            )
        )
    w.paragraph("；".join(parts) + "。", lead="主要指标")
    w.paragraph(
        f"累计开展家校沟通 {whole(f['contacts'])} 次"
        + (
            f"，户均 {value_text('contacts_per_family', f['contacts_per_family'])}"
            f"{tail(change_text(fig, 'contacts_per_family'))}"
            if not missing(f["contacts_per_family"])
            else ""
        )
        + f"；家长志愿服务 {whole(f['volunteer_records'])} 人次、"
        f"{value_text('volunteer_hours', f['volunteer_hours'])}{tail(change_text(fig, 'volunteer_hours'))}；"
        f"开展协同活动 {whole(f['activities'])} 场{tail(change_text(fig, 'activities'))}，"
        f"参与家长 {whole(fig.participation['parents'])} 人次。"
    )
    w.paragraph(_targets_sentence(fig), lead="目标达成情况")
    if fig.grade_level is None and len(fig.grades) > 1:
        ranges = [grade_range(fig, k) for k in ("contact_coverage", "home_visit_coverage", "moral_good_rate")]
        ranges = [r for r in ranges if r]
        if ranges:
            w.paragraph("各年级" + "；".join(r.removeprefix("各年级") for r in ranges) + "。", lead="各年级情况")
    if not fig.statuses.empty and fig.goals:
        w.chart(
            "status", "各班目标达成情况（绿：达标；黄：接近目标；红：未达标；灰：无目标或无数据；浅灰：评价未完成）"
        )


def _targets_sentence(fig: ReportFigures) -> str:
    judged = [
        k
        for k in TARGET_MEASURES
        if fig.cards[k]["target"] is not None and fig.cards[k]["status"] not in ("grey", "incomplete")
    ]
    if not judged:
        return "本学期尚未设定目标，或设定目标的指标暂无数据。"
    met = [k for k in judged if fig.cards[k]["status"] == "green"]
    missed = [k for k in judged if k not in met]
    pace = "（学期进行中，累计类指标按时间进度折算目标）" if fig.period.in_progress else ""
    text = f"本学期设定目标的 {len(judged)} 项指标中{pace}，达到目标 {len(met)} 项"
    if met:
        text += "（" + "、".join(MEASURE_LABELS[k] for k in met) + "）"
    if not missed:
        return text + "，各项目标均已达成。"
    details = []
    for key in missed:
        card = fig.cards[key]
        goal = f"目标 {goal_text(key, card['target'])}"
        if fig.period.in_progress and card["target_now"] != card["target"]:
            goal = f"按进度目标 {value_text(key, card['target_now'])}"
        details.append(f"{MEASURE_LABELS[key]} {value_text(key, card['value'])}（{goal}）")
    return text + f"；未达到目标 {len(missed)} 项：" + "、".join(details) + "。"


def _communication(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("家校沟通")
    if not f["contacts"]:
        w.paragraph("本学期暂无家校沟通记录。", lead="沟通频次")
    else:
        w.paragraph(
            f"本学期累计开展家校沟通 {whole(f['contacts'])} 次，其中针对个别学生的沟通 "
            f"{whole(f['individual_contacts'])} 次；周均沟通 {value_text('contacts_per_week', f['contacts_per_week'])}"
            f"{tail(change_text(fig, 'contacts_per_week'))}；户均沟通 "
            f"{value_text('contacts_per_family', f['contacts_per_family'])}（个别沟通次数 ÷ 学生数）"
            f"{tail(change_text(fig, 'contacts_per_family'), target_text(fig, 'contacts_per_family'))}。"
            + (f"以上{note}。" if (note := formats.holiday_note(fig.holiday)) else ""),
            lead="沟通频次",
        )
    not_reached = whole(f["students_not_contacted"])
    w.paragraph(
        rate_text(fig, "contact_coverage", coverage_base(fig, "contacted_students"))
        + (f"；尚有 {not_reached} 名学生本学期没有个别沟通记录。" if f["students_not_contacted"] else "")
        + ("，实现全覆盖。" if f["students"] and not f["students_not_contacted"] else "")
        + ("。" if not f["students"] else "")
        + standouts(fig, "contact_coverage"),
        lead="沟通覆盖",
    )
    used = fig.channels[fig.channels["contacts"] > 0].sort_values("contacts", ascending=False, kind="stable")
    if not used.empty:
        total = float(used["contacts"].sum())
        mix = "、".join(
            f"{name} {whole(n)} 次（占 {share(n, total)}）"
            for name, n in zip(used["channel_name"], used["contacts"], strict=True)
        )
        w.paragraph(f"从沟通方式看，{mix}。", lead="沟通方式")
        w.chart("channels", "沟通方式构成（次）")
    w.paragraph(_requests_sentence(fig), lead="家长诉求答复")


def _requests_sentence(fig: ReportFigures) -> str:
    f = fig.figures
    limit = f"学校规定家长诉求须在 {fig.response_limit_hours} 小时内答复。"
    if not f["requests"]:
        return limit + "本学期未收到家长诉求。"
    late = int((fig.late["status"] == "late").sum()) if not fig.late.empty else 0
    overdue = int((fig.late["status"] == "overdue").sum()) if not fig.late.empty else 0
    pending = int(f["requests"] - f["requests_due"])
    text = limit + f"本学期共收到家长诉求 {whole(f['requests'])} 件，"
    if not f["requests_due"]:
        return text + f"均在答复时限内，尚无到期诉求（{pending} 件待答复）。"
    text += rate_text(
        fig,
        "response_on_time",
        f"已到答复期限的 {whole(f['requests_due'])} 件中按时答复 {whole(f['requests_on_time'])} 件",
    )
    issues = [f"超时答复 {late} 件" if late else "", f"超时未答复 {overdue} 件" if overdue else ""]
    issues.append(f"尚在答复时限内 {pending} 件" if pending else "")
    issues = [i for i in issues if i]
    return text + ("；" + "，".join(issues) if issues else "") + "。"


def _home_visits(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("家访")
    visits = fig.channels.loc[fig.channels["channel_code"] == "home_visit", "contacts"].sum()
    frame = fig.classes.dropna(subset=["home_visit_coverage"])
    full = int((frame["home_visit_coverage"] >= 1 - 1e-9).sum())
    text = f"本学期共开展家访 {whole(visits)} 次；" + rate_text(
        fig, "home_visit_coverage", coverage_base(fig, "visited_students")
    )
    if f["students_not_visited"]:
        done = f"{len(fig.classes)} 个班级中 {full} 个班实现家访全覆盖" if full else "各班均未实现家访全覆盖"
        text += f"。{done}，尚有 {whole(f['students_not_visited'])} 名学生本学期未家访。"
    elif f["students"]:
        text += "，实现“不漏一名学生”。"
    else:
        text += "。"
    w.paragraph(text + standouts(fig, "home_visit_coverage"))
    if len(fig.classes) and f["students"]:
        w.chart("home_visits", f"各班家访覆盖率（{_target_line(fig)}）")


def _target_line(fig: ReportFigures) -> str:
    """What the dashed line of a cumulative measure's chart is: the target, or its share to date."""
    return "虚线为按时间进度折算的目标" if fig.period.in_progress else "虚线为目标"


def _volunteers(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("家长志愿服务")
    if not f["volunteer_records"]:
        w.paragraph("本学期暂无已确认的家长志愿服务记录。")
        return
    w.paragraph(
        f"本学期家长志愿服务共 {whole(f['volunteer_records'])} 人次，经确认的服务时长 "
        f"{value_text('volunteer_hours', f['volunteer_hours'])}"
        f"{tail(change_text(fig, 'volunteer_hours'), target_text(fig, 'volunteer_hours'))}；"
        f"参与家庭 {whole(f['volunteer_families'])} 户（各班合计，按家庭去重为 {whole(fig.unique_families)} 户）。"
        + rate_text(
            fig,
            "volunteer_participation",
            f"{whole(f['students'])} 名学生的家庭中参与 {whole(f['volunteer_families'])} 户",
        )
        + f"；户均志愿时长 {value_text('hours_per_family', f['hours_per_family'])}（服务时长 ÷ 学生数）"
        + tail(change_text(fig, "hours_per_family"), target_text(fig, "hours_per_family"))
        + "。"
        + (f"另有 {whole(fig.unconfirmed)} 条记录待确认，未计入以上数字。" if fig.unconfirmed else ""),
        lead="服务总量",
    )
    mix = fig.volunteer_mix.sort_values("volunteer_hours", ascending=False, kind="stable")
    if not mix.empty:
        items = "；".join(
            f"{name} {whole(n)} 人次（{value_text('volunteer_hours', h)}）"
            for name, n, h in zip(mix["activity_name"], mix["volunteer_records"], mix["volunteer_hours"], strict=True)
        )
        w.paragraph(f"按服务项目：{items}。", lead="服务项目")
    w.paragraph(standouts(fig, "volunteer_participation"), lead="各班参与")
    w.chart("volunteers", f"各班家长志愿参与率（{_target_line(fig)}）")


def _moral(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("德育评价")
    if not f["moral_evaluated"]:
        w.paragraph(f"{fig.term_name}暂无德育评价数据。")
        return
    weights = "、".join(f"{name} {weight:g}" for _, _, name, weight in fig.scheme.raters)
    levels = fig.levels.groupby("level")["students"].sum() if not fig.levels.empty else pd.Series(dtype=int)
    level_text = "、".join(f"{name} {whole(levels.get(name, 0))} 人" for name, _, _ in fig.scheme.levels)
    average = f["moral_average"]
    w.paragraph(
        f"本学期共有 {whole(f['moral_evaluated'])} 名学生参加德育评价（按{weights} 的权重加权），其中{level_text}。"
        + rate_text(
            fig, "moral_good_rate", f"参评 {whole(f['moral_evaluated'])} 名学生中的 {whole(f['moral_good'])} 名"
        )
        + f"；德育平均分 {value_text('moral_average', average)}{tail(change_text(fig, 'moral_average'))}；"
        + rate_text(
            fig, "moral_completion", f"{whole(f['students'])} 名学生中教师已完成评价 {whole(f['moral_scored'])} 名"
        )
        + "。",
        lead="评价结果",
    )
    dims = _dimension_means(fig)
    if dims:
        listed = "、".join(f"{name} {formats.number(v, 1)} 分" for name, v in dims)
        best = max(dims, key=lambda d: d[1])
        low = min(dims, key=lambda d: d[1])
        text = f"各维度平均分：{listed}"
        if formats.number(best[1], 1) != formats.number(low[1], 1):
            text += f"；其中“{best[0]}”最高，“{low[0]}”相对较低"
        w.paragraph(text + "。", lead="分维度情况")
    w.paragraph(standouts(fig, "moral_good_rate"), lead="各班情况")
    if not fig.levels.empty:
        w.chart("moral_levels", "各班德育评价等级分布（人）")


def _dimension_means(fig: ReportFigures) -> list[tuple[str, float]]:
    """Each dimension's average over the classes in view, weighted by the students each class evaluated."""
    dims = fig.dimensions
    if dims.empty:
        return []
    weights = dict(zip(fig.classes["class_id"], fig.classes["moral_evaluated"], strict=True))
    out = []
    for dim_id, _, name in fig.scheme.dimensions:
        rows = dims[dims["dimension_id"] == dim_id]
        w = rows["class_id"].map(weights).fillna(0).astype(float)
        if w.sum() > 0:
            out.append((name, float((rows["average"] * w).sum() / w.sum())))
    return out


def _activities(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    totals = fig.participation
    w.section("协同活动与合作单位")
    if not totals["activities"]:
        w.paragraph("本学期暂无协同活动记录。", lead="活动总量")
    else:
        w.paragraph(
            f"本学期共开展协同活动 {whole(totals['activities'])} 场"
            f"{tail(change_text(fig, 'activities'), target_text(fig, 'activities'))}，参与学生 "
            f"{whole(totals['students'])} 人次、家长 {whole(totals['parents'])} 人次"
            + (f"、家庭 {whole(totals['families'])} 户次" if totals["families"] is not None else "")
            + (f"（{note}）" if (note := formats.class_attendance_note(totals)) else "")
            + "。",
            lead="活动总量",
        )
        listing = fig.activity_list
        grouped = (
            listing.groupby("type_name", sort=False)
            .agg(
                n=("activity_id", "count"),
                students=("students_count", "sum"),
                parents=("parents_count", "sum"),
                families=("families_count", "sum"),
            )
            .sort_values("n", ascending=False, kind="stable")
        )
        items = []
        for name, row in grouped.iterrows():
            parts = [
                f"学生 {whole(row['students'])} 人次" if row["students"] else "",
                f"家长 {whole(row['parents'])} 人次" if row["parents"] else "",
                f"家庭 {whole(row['families'])} 户次" if row["families"] else "",
            ]
            parts = [p for p in parts if p]
            items.append(f"{name} {whole(row['n'])} 场" + (f"（参与{'、'.join(parts)}）" if parts else ""))
        w.paragraph("按活动类型：" + "；".join(items) + "。", lead="活动类型")
        if f["attendance_base"]:
            w.paragraph(
                rate_text(
                    fig,
                    "parent_attendance",
                    f"应到家长 {whole(f['attendance_base'])} 人次中实到 {whole(f['parents_attended'])} 人次",
                )
                + "。"
                + standouts(fig, "parent_attendance"),
                lead="家长到场",
            )
        w.chart("activities", "各月协同活动（场）")
    partners = fig.partners
    if partners.empty:
        w.paragraph("学校尚未登记合作单位。", lead="合作单位")
        return
    active = partners[partners["activities"] > 0]
    idle = len(partners) - len(active)
    if active.empty:
        text = f"学校登记的 {len(partners)} 家合作单位本学期均未开展共同活动。"
    else:
        items = "、".join(
            f"{name}（{kind}）{whole(n)} 场" if isinstance(kind, str) and kind else f"{name} {whole(n)} 场"
            for name, kind, n in zip(active["partner_name"], active["partner_type"], active["activities"], strict=True)
        )
        text = f"与 {len(active)} 家合作单位共同开展活动 {whole(active['activities'].sum())} 场：{items}"
        text += f"；另有 {idle} 家合作单位本学期未开展共同活动。" if idle else "。"
    w.paragraph(text, lead="合作单位")


def _satisfaction(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("家长满意度")
    if not f["satisfaction_respondents"]:
        w.paragraph(f"{fig.term_name}暂无家长满意度调查数据。")
        return
    w.paragraph(
        f"本学期家长满意度调查共回收答卷 {whole(f['satisfaction_respondents'])} 份，"
        + rate_text(
            fig,
            "satisfaction",
            f"{whole(f['satisfaction_respondents'])} 份答卷中满意 {whole(f['satisfaction_satisfied'])} 份",
        )
        + "。"
        + standouts(fig, "satisfaction")
    )
    if fig.classes["satisfaction"].notna().sum() > 1:
        w.chart("satisfaction", "各班家长满意度（虚线为目标）")


def _next_steps(w: _Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("下一步需要关注")
    items = []
    statuses = fig.statuses
    lagging = statuses[statuses["status"].isin(["red", "amber"])].copy()
    if not lagging.empty:
        lagging["gap"] = lagging["target"] - lagging["value"]
        for key in CLASS_STATUS_MEASURES:
            rows = lagging[lagging["measure"] == key].sort_values("gap", ascending=False, kind="stable")
            if rows.empty:
                continue
            pace = "按进度" if fig.period.in_progress and MEASURES[key].cumulative else ""
            goal = (value_text if pace else goal_text)(key, rows["target"].iloc[0])
            names = formats.name_list(rows["class_name"].tolist())
            items.append(f"{MEASURE_LABELS[key]}未达到{pace}目标（{goal}）的班级 {len(rows)} 个：{names}。")
    reach = []
    if f["students_not_contacted"]:
        reach.append(f"{whole(f['students_not_contacted'])} 名学生本学期没有个别沟通记录")
    if f["students_not_visited"]:
        reach.append(f"{whole(f['students_not_visited'])} 名学生尚未家访")
    if reach:
        items.append(
            "尚有 " + "、".join(reach) + "，名单可在平台“总览”页查看（仅限有权限的教师），请优先安排沟通和家访。"
        )
    if not fig.late.empty:
        late = int((fig.late["status"] == "late").sum())
        overdue = int((fig.late["status"] == "overdue").sum())
        parts = [f"超时答复 {late} 件" if late else "", f"超时未答复 {overdue} 件" if overdue else ""]
        items.append(
            f"家长诉求{'、'.join(p for p in parts if p)}（时限 {fig.response_limit_hours} 小时），"
            "需逐件跟进并分析超时原因。"
        )
    missed = [
        k for k in TARGET_MEASURES if fig.cards[k]["status"] in ("red", "amber") and k not in CLASS_STATUS_MEASURES
    ]
    if missed:
        items.append("全校层面未达到目标的其他指标：" + "、".join(MEASURE_LABELS[k] for k in missed) + "。")
    if not items:
        judged = [k for k in TARGET_MEASURES if fig.cards[k]["status"] not in ("grey", "incomplete")]
        items.append("各项指标均已达到目标，请继续保持。" if judged else "暂未发现需要特别关注的事项。")
    for item in items:
        w.bullet(item)


def _appendix(w: _Writer) -> None:
    fig = w.fig
    w.blocks.append(Block("heading", "附表", level=1))
    rows = [appendix_row(record) for record in fig.classes.to_dict("records")]
    total_name = "全校合计" if fig.grade_level is None else f"{grade_name(fig.grade_level)}合计"
    rows.append(appendix_row({**fig.figures, "class_name": total_name}))
    w.table(
        "classes",
        Table(
            "附表1　各班指标明细",
            tuple(APPENDIX_HEADERS[c] for c in APPENDIX_COLUMNS),
            rows,
            note="比率的计算基数见正文；“无数据”表示该班没有可计算的记录。",
            widths=tuple(APPENDIX_WIDTHS.get(c, 2.1) for c in APPENDIX_COLUMNS),
        ),
    )
    listing = fig.activity_list
    if not listing.empty:
        activity_rows = [
            (
                f"{day.month}月{day.day}日",
                str(title),
                str(kind),
                partner if isinstance(partner, str) and partner else "—",
                whole(students),
                whole(parents),
                whole(families),
            )
            for day, title, kind, partner, students, parents, families in zip(
                listing["activity_date"],
                listing["title"],
                listing["type_name"],
                listing["partner_name"],
                listing["students_count"],
                listing["parents_count"],
                listing["families_count"],
                strict=True,
            )
        ]
        w.table(
            "activities",
            Table("附表2　协同活动一览", ACTIVITY_HEADERS, activity_rows, widths=(2.2, 8.4, 2.8, 5.2, 2.0, 2.0, 2.0)),
        )


def appendix_row(record: dict) -> tuple[str, ...]:
    """One class (or the total) as the appendix prints it: the measures formatted as on the 总览 page."""
    cells = []
    for column in APPENDIX_COLUMNS:
        value = record.get(column)
        if column == "class_name":
            cells.append(str(value))
        elif column == "students":
            cells.append(whole(value))
        else:
            cells.append(formats.measure_value(column, value if not missing(value) else math.nan))
    return tuple(cells)


def report_title(fig: ReportFigures) -> str:
    """东湖区实验小学2025-2026学年第二学期家校社协同育人工作情况报告 (with the grade when one is chosen)."""
    grade = grade_name(fig.grade_level) if fig.grade_level else ""
    return f"{fig.school_name}{fig.term_name}{grade}{TITLE_TAIL}"


def file_name(fig: ReportFigures) -> str:
    """东湖区实验小学_2025-2026学年第二学期_家校社协同育人工作报告.docx (the grade added when chosen)."""
    parts = [fig.school_name, fig.term_name]
    if fig.grade_level:
        parts.append(grade_name(fig.grade_level))
    return "_".join([*parts, "家校社协同育人工作报告"]) + ".docx"


def draft(fig: ReportFigures) -> Draft:
    """The whole report as text blocks, charts to draw and tables, in reading order."""
    scope = "全校" if fig.grade_level is None else f"{GRADE_NUMERALS[fig.grade_level - 1]}年级"
    running = f"（进行中，统计至{fig.period.end.month}月{fig.period.end.day}日）" if fig.period.in_progress else ""
    stamp = "　".join(
        [
            f"学校：{fig.school_name}",
            f"学期：{fig.term_name}{running}",
            f"范围：{scope}",
            f"起草日期：{chinese_day(fig.drafted_on)}",
        ]
    )
    w = _Writer(fig)
    _overview(w)
    _communication(w)
    _home_visits(w)
    _volunteers(w)
    _moral(w)
    _activities(w)
    _satisfaction(w)
    _next_steps(w)
    _appendix(w)
    return Draft(report_title(fig), stamp, w.blocks, w.tables, file_name(fig))
