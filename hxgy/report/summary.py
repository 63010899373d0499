"""The report's summary parts: 总体概况 (with the targets met), 下一步需要关注, and the appendix tables."""

from __future__ import annotations

import math
from collections.abc import Mapping

from hxgy import compliance, formats
from hxgy.glossary import grade_name
from hxgy.metrics import small_groups
from hxgy.metrics.measures import CLASS_STATUS_MEASURES, CLASS_TABLE_COLUMNS, MEASURES, TARGET_MEASURES, label, measure
from hxgy.report.blocks import Block, Table, Writer
from hxgy.report.figures import ReportFigures
from hxgy.report.parts import dean_paragraphs, dean_text, rule_hidden
from hxgy.report.wording import (
    change_text,
    coverage_base,
    goal_text,
    grade_range,
    left_out_note,
    missing,
    period_text,
    rate_text,
    tail,
    value_text,
    whole,
)

# the columns of the appendix table: the 总览 page's 各班指标明细
APPENDIX_COLUMNS: tuple[str, ...] = CLASS_TABLE_COLUMNS
APPENDIX_WIDTHS = {"class_name": 2.4, "students": 1.7, "volunteer_hours": 2.4}  # cm; the others 2.1
APPENDIX_HEADERS = {"class_name": "班级", "students": "学生数", **{k: m.label for k, m in MEASURES.items()}}
ACTIVITY_HEADERS = ("日期", "活动名称", "类型", "合作单位", "参与学生", "参与家长", "参与家庭")


def overview(w: Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("总体概况")
    scope = "全校" if fig.grade_level is None else grade_name(fig.grade_level)
    w.paragraph(
        f"{period_text(fig)}，{scope}共 {len(fig.classes)} 个班级、{whole(f['students'])} 名学生纳入统计。"
        "本报告根据平台记录的家校沟通、家访、家长志愿服务、德育评价、协同活动和家长满意度数据起草，"
        "各项比率均注明计算基数"
        + (f"，增减{fig.baseline.caption}" if fig.baseline is not None else "")
        + ("，“同比”为与上一学年同一学期（同一批学生）相比" if fig.year_before is not None else "")
        + "。"
        + left_out_note(fig)
    )
    parts = [
        rate_text(fig, "contact_coverage", coverage_base(fig, "contacted_students"), year_on_year=True),
        rate_text(fig, "home_visit_coverage", coverage_base(fig, "visited_students"), year_on_year=True),
    ]
    if f["moral_evaluated"]:
        parts.append(
            rate_text(
                fig,
                "moral_good_rate",
                f"参评 {whole(f['moral_evaluated'])} 名学生中的 {whole(f['moral_good'])} 名",
                year_on_year=True,
            )
        )
    if f["satisfaction_respondents"]:
        parts.append(
            rate_text(
                fig,
                "satisfaction",
                f"{whole(f['satisfaction_respondents'])} 份答卷中满意 {whole(f['satisfaction_satisfied'])} 份",
                year_on_year=True,
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
    w.paragraph(targets_sentence(fig), lead="目标达成情况")
    if fig.grade_level is None and len(fig.grades) > 1:
        ranges = [grade_range(fig, k) for k in ("contact_coverage", "home_visit_coverage", "moral_good_rate")]
        ranges = [r for r in ranges if r]
        if ranges:
            w.paragraph("各年级" + "；".join(r.removeprefix("各年级") for r in ranges) + "。", lead="各年级情况")
    if not fig.statuses.empty and fig.goals:
        w.chart(
            "status", "各班目标达成情况（绿：达标；黄：接近目标；红：未达标；灰：无目标或无数据；浅灰：评价未完成）"
        )


def targets_sentence(fig: ReportFigures) -> str:
    judged = [
        k
        for k in TARGET_MEASURES
        if fig.cards[k].target is not None and fig.cards[k].status not in ("grey", "incomplete")
    ]
    if not judged:
        return "本学期尚未设定目标，或设定目标的指标暂无数据。"
    met = [k for k in judged if fig.cards[k].status == "green"]
    missed = [k for k in judged if k not in met]
    pace = "（学期进行中，累计类指标按时间进度折算目标）" if fig.period.in_progress else ""
    text = f"本学期设定目标的 {len(judged)} 项指标中{pace}，达到目标 {len(met)} 项"
    if met:
        text += "（" + "、".join(label(k) for k in met) + "）"
    if not missed:
        return text + "，各项目标均已达成。"
    details = []
    for key in missed:
        card = fig.cards[key]
        goal = f"目标 {goal_text(key, card.target)}"
        if fig.period.in_progress and card.target_now != card.target:
            goal = f"按进度目标 {value_text(key, card.target_now)}"
        details.append(f"{label(key)} {value_text(key, card.value)}（{goal}）")
    return text + f"；未达到目标 {len(missed)} 项：" + "、".join(details) + "。"


def next_steps(w: Writer) -> None:
    """下一步需要关注 (points from the data); with the dean's 下一步工作计划 first, under that title."""
    if dean_text(w.fig, "plan"):
        w.section("下一步工作计划")
        dean_paragraphs(w, "plan")
        w.subheading("需要关注的事项")
    else:
        w.section("下一步需要关注")
    for item in attention_points(w.fig):
        w.bullet(item)


def attention_points(fig: ReportFigures) -> list[str]:
    """What the data says needs attention: classes below target, students not reached, late replies."""
    f = fig.figures
    items = []
    statuses = fig.statuses
    lagging = statuses[statuses["status"].isin(["red", "amber"])].copy()
    if not lagging.empty:
        lagging["gap"] = lagging["target"] - lagging["value"]
        for key in CLASS_STATUS_MEASURES:
            rows = lagging[lagging["measure"] == key].sort_values("gap", ascending=False, kind="stable")
            if rows.empty:
                continue
            pace = "按进度" if fig.period.in_progress and measure(key).cumulative else ""
            goal = (value_text if pace else goal_text)(key, rows["target"].iloc[0])
            names = formats.name_list(rows["class_name"].tolist())
            items.append(f"{label(key)}未达到{pace}目标（{goal}）的班级 {len(rows)} 个：{names}。")
    reach = []
    if f["students_not_contacted"]:
        reach.append(f"{whole(f['students_not_contacted'])} 名学生本学期没有个别沟通记录")
    if f["students_not_visited"]:
        reach.append(f"{whole(f['students_not_visited'])} 名学生尚未家访")
    if reach:
        items.append(
            "尚有 " + "、".join(reach) + "，名单可在平台“总览”页查看（仅限有权限的教师），请优先安排沟通和家访。"
        )
    if not fig.late.empty and not fig.hidden("response_on_time"):
        late = int((fig.late["status"] == "late").sum())
        overdue = int((fig.late["status"] == "overdue").sum())
        parts = [f"超时答复 {late} 件" if late else "", f"超时未答复 {overdue} 件" if overdue else ""]
        items.append(
            f"家长诉求{'、'.join(p for p in parts if p)}（时限 {fig.response_limit_hours} 小时），"
            "需逐件跟进并分析超时原因。"
        )
    missed = [k for k in TARGET_MEASURES if fig.cards[k].status in ("red", "amber") and k not in CLASS_STATUS_MEASURES]
    if missed:
        items.append("全校层面未达到目标的其他指标：" + "、".join(label(k) for k in missed) + "。")
    unmet = [r.rule.label for r in fig.rules if r.status == compliance.NOT_MET and not rule_hidden(fig, r)]
    if unmet:
        items.append(f"工作要求未达标 {len(unmet)} 项：{'、'.join(unmet)}（见“工作要求落实情况”）。")
    if not items:
        judged = [k for k in TARGET_MEASURES if fig.cards[k].status not in ("grey", "incomplete")]
        items.append("各项指标均已达到目标，请继续保持。" if judged else "暂未发现需要特别关注的事项。")
    return items


def appendix(w: Writer) -> None:
    fig = w.fig
    w.blocks.append(Block("heading", "附表", level=1))
    hidden = {c: fig.class_hidden(c).to_numpy() for c in APPENDIX_COLUMNS if c != "class_name"}
    rows = [
        appendix_row(str(record["class_name"]), record, {c: bool(h[i]) for c, h in hidden.items()})
        for i, record in enumerate(fig.classes.to_dict("records"))
    ]
    total_name = "全校合计" if fig.grade_level is None else f"{grade_name(fig.grade_level)}合计"
    rows.append(appendix_row(total_name, fig.figures, {c: fig.hidden(c) for c in hidden}))
    w.table(
        "classes",
        Table(
            "附表1　各班指标明细",
            tuple(APPENDIX_HEADERS[c] for c in APPENDIX_COLUMNS),
            rows,
            note="比率的计算基数见正文；“无数据”表示该班没有可计算的记录；“不显示”表示该班人数（或计算基数）"
            f"不足 {small_groups.MIN_GROUP}，或可据此推算出这样的班级，为保护隐私不单独列出（已计入合计）。",
            widths=tuple(APPENDIX_WIDTHS.get(c, 2.1) for c in APPENDIX_COLUMNS),
        ),
    )
    listing = fig.activity_list
    if not listing.empty:
        activity_rows: list[tuple[str, ...]] = [
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


def appendix_row(name: str, record: Mapping[str, float], hidden: Mapping[str, bool] | None = None) -> tuple[str, ...]:
    """One class (or the total) as the appendix prints it: the measures formatted as on the 总览 page."""
    cells = []
    for column in APPENDIX_COLUMNS:
        value = record.get(column)
        if column == "class_name":
            cells.append(name)
        elif hidden and hidden.get(column):
            cells.append(small_groups.HIDDEN)
        elif column == "students":
            cells.append(whole(value))
        else:
            cells.append(formats.measure_value(column, value if not missing(value) else math.nan))
    return tuple(cells)
