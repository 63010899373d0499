"""The report's sections on each measure: 家校沟通, 家访, 家长志愿服务, 德育评价, 协同活动, 家长满意度."""

from __future__ import annotations

import pandas as pd

from hxgy import formats
from hxgy.metrics import small_groups
from hxgy.report.blocks import Writer
from hxgy.report.figures import ReportFigures
from hxgy.report.parts import volunteer_honours
from hxgy.report.wording import (
    change_text,
    coverage_base,
    hidden_text,
    left_out_note,
    rate_text,
    share,
    standouts,
    tail,
    target_text,
    value_text,
    whole,
)


def communication(w: Writer) -> None:
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
    w.paragraph(topics_sentence(fig), lead="沟通内容")
    w.paragraph(notices_sentence(fig), lead="重要通知")
    w.paragraph(requests_sentence(fig), lead="家长诉求答复")


def topics_sentence(fig: ReportFigures) -> str:
    """按沟通主题：学习情况 N 次、安全教育 M 次……（另有 K 次未注明主题）; empty without topics recorded."""
    topics = fig.topics
    if topics is None or topics.empty or not topics["contacts"].sum():
        return ""
    used = topics[topics["contacts"] > 0].sort_values("contacts", ascending=False, kind="stable")
    listed = "、".join(f"{name} {whole(n)} 次" for name, n in zip(used["topic_name"], used["contacts"], strict=True))
    untagged = int(fig.channels["contacts"].sum()) - int(topics["contacts"].sum()) if not fig.channels.empty else 0
    return f"按沟通主题：{listed}" + (f"（另有 {whole(untagged)} 次未注明主题）" if untagged > 0 else "") + "。"


def notices_sentence(fig: ReportFigures) -> str:
    """推送重要通知 N 条 (the school's notices of the term, with their reach); empty without any."""
    notices = fig.notices
    if notices is None or not notices.total:
        return ""
    who = "学校" if fig.grade_level is None else "全校"
    reach = [
        f"面向全校 {whole(notices.whole_school)} 条" if notices.whole_school else "",
        f"面向年级 {whole(notices.grade_wide)} 条" if notices.grade_wide else "",
    ]
    reach = [r for r in reach if r]
    return (
        f"本学期{who}推送重要通知 {whole(notices.total)} 条"
        + (f"，其中{'、'.join(reach)}" if reach else "")
        + "（通知不计入以上沟通次数）。"
    )


def requests_sentence(fig: ReportFigures) -> str:
    f = fig.figures
    limit = f"学校规定家长诉求须在 {fig.response_limit_hours} 小时内答复。"
    if not f["requests"]:
        return limit + "本学期未收到家长诉求。"
    late = int((fig.late["status"] == "late").sum()) if not fig.late.empty else 0
    overdue = int((fig.late["status"] == "overdue").sum()) if not fig.late.empty else 0
    pending = int(f["requests"] - f["requests_due"])
    text = limit + f"本学期共收到家长诉求 {whole(f['requests'])} 件{request_kinds_text(fig)}，"
    if not f["requests_due"]:
        return text + f"均在答复时限内，尚无到期诉求（{pending} 件待答复）。"
    if fig.hidden("response_on_time"):  # 1–4 requests due: their replies are not told one by one
        return text + f"已到答复期限的诉求按时答复率{hidden_text('response_on_time')}。"
    text += rate_text(
        fig,
        "response_on_time",
        f"已到答复期限的 {whole(f['requests_due'])} 件中按时答复 {whole(f['requests_on_time'])} 件",
    )
    issues = [f"超时答复 {late} 件" if late else "", f"超时未答复 {overdue} 件" if overdue else ""]
    issues.append(f"尚在答复时限内 {pending} 件" if pending else "")
    issues = [i for i in issues if i]
    return text + ("；" + "，".join(issues) if issues else "") + "。"


def request_kinds_text(fig: ReportFigures) -> str:
    """（按类别：学习辅导 10 件、安全 8 件……）; empty with a single category or none recorded, and where the replies
    are hidden as a small group (1–4 requests due: they are not told one by one)."""
    kinds = fig.request_kinds
    if (
        kinds is None
        or len(kinds) < 2
        or fig.hidden("response_on_time")
        or int(kinds["requests"].sum()) < small_groups.MIN_GROUP
    ):
        return ""
    listed = "、".join(
        f"{name} {whole(n)} 件" for name, n in zip(kinds["category_name"], kinds["requests"], strict=True)
    )
    return f"（按类别：{listed}）"


def home_visits(w: Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("家访")
    visits = fig.channels.loc[fig.channels["channel_code"] == "home_visit", "contacts"].sum()
    shown = fig.classes[~fig.class_hidden("home_visit_coverage").to_numpy()]
    frame = shown.dropna(subset=["home_visit_coverage"])
    full = int((frame["home_visit_coverage"] >= 1 - 1e-9).sum())
    families = f"，走访 {whole(fig.visited_families)} 户家庭" if fig.visited_families else ""
    text = f"本学期共开展家访 {whole(visits)} 次{families}；" + rate_text(
        fig, "home_visit_coverage", coverage_base(fig, "visited_students")
    )
    if f["students_not_visited"]:
        among = f"单独统计的 {len(shown)} 个班级中" if len(shown) < len(fig.classes) else f"{len(fig.classes)} 个班级中"
        done = f"{among} {full} 个班实现家访全覆盖" if full else f"{among}没有班级实现家访全覆盖"
        if shown.empty:
            done = "各班家访情况不单独列出"
        text += f"。{done}，尚有 {whole(f['students_not_visited'])} 名学生本学期未家访。"
    elif f["students"]:
        text += "，实现“不漏一名学生”。"
    else:
        text += "。"
    w.paragraph(text + standouts(fig, "home_visit_coverage") + left_out_note(fig))
    if not shown.empty and f["students"]:
        w.chart("home_visits", f"各班家访覆盖率（{target_line(fig)}）")


def target_line(fig: ReportFigures) -> str:
    """What the dashed line of a cumulative measure's chart is: the target, or its share to date."""
    return "虚线为按时间进度折算的目标" if fig.period.in_progress else "虚线为目标"


def volunteers(w: Writer) -> None:
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
        + (f"另有 {whole(fig.unconfirmed)} 条记录待确认，未计入以上数字。" if fig.unconfirmed else "")
        + volunteer_honours(fig),
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
    if not fig.shown_classes.empty:
        w.chart("volunteers", f"各班家长志愿参与率（{target_line(fig)}）")


def moral(w: Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("德育评价")
    if not f["moral_evaluated"]:
        w.paragraph(f"{fig.term_name}暂无德育评价数据。")
        return
    if fig.hidden("moral_good_rate"):
        w.paragraph(f"本学期德育评价{small_groups.reason('moral_good_rate')}评价结果。")
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
    dims = dimension_means(fig)
    if dims:
        listed = "、".join(f"{name} {formats.number(v, 1)} 分" for name, v in dims)
        best = max(dims, key=lambda d: d[1])
        low = min(dims, key=lambda d: d[1])
        text = f"各维度平均分：{listed}"
        if formats.number(best[1], 1) != formats.number(low[1], 1):
            text += f"；其中“{best[0]}”最高，“{low[0]}”相对较低"
        w.paragraph(text + "。", lead="分维度情况")
    w.paragraph(standouts(fig, "moral_good_rate") + left_out_note(fig, "moral_good_rate"), lead="各班情况")
    if not fig.levels.empty and not fig.class_hidden("moral_good_rate").all():
        w.chart("moral_levels", "各班德育评价等级分布（人）")


def dimension_means(fig: ReportFigures) -> list[tuple[str, float]]:
    """Each dimension's average over the classes in view, weighted by the students each class evaluated."""
    dims = fig.dimensions
    if dims.empty:
        return []
    weights = fig.evaluated or dict(zip(fig.classes["class_id"], fig.classes["moral_evaluated"], strict=True))
    out = []
    for dim_id, _, name in fig.scheme.dimensions:
        rows = dims[dims["dimension_id"] == dim_id]
        w = rows["class_id"].map(weights).fillna(0).astype(float)
        if w.sum() > 0:
            out.append((name, float((rows["average"] * w).sum() / w.sum())))
    return out


def activities(w: Writer) -> None:
    w.section("协同活动与合作单位")
    fig, f, totals = w.fig, w.fig.figures, w.fig.participation
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
    w.paragraph(guidance_sentence(fig), lead="家长学校")
    partners = fig.partners
    if partners.empty:
        w.paragraph("学校尚未登记合作单位。", lead="合作单位")
        return
    active = partners[partners["activities"] > 0]
    idle = len(partners) - len(active)
    if active.empty:
        text = f"学校登记的 {len(partners)} 家合作单位本学期均未开展共同活动。"
    else:
        listed = "、".join(
            f"{name}（{kind}）{whole(n)} 场" if isinstance(kind, str) and kind else f"{name} {whole(n)} 场"
            for name, kind, n in zip(active["partner_name"], active["partner_type"], active["activities"], strict=True)
        )
        text = f"与 {len(active)} 家合作单位共同开展活动 {whole(active['activities'].sum())} 场：{listed}"
        text += f"；另有 {idle} 家合作单位本学期未开展共同活动。" if idle else "。"
    w.paragraph(agreements_sentence(fig) + text + partner_types_sentence(fig) + bases_sentence(fig), lead="合作单位")


# the measure word of each 合作单位类型 (db/seed.py); 家 for any other type
PARTNER_MEASURE_WORDS = {"社区服务中心": "所", "文化场馆": "个", "校外实践基地": "个", "学校": "所"}


def agreements_sentence(fig: ReportFigures) -> str:
    """学校已与 2 所社区服务中心、3 家企事业单位、4 个文化场馆签订协议。 (types with no partner left out)"""
    counted = [(name, n) for name, n in fig.partner_types if n]
    if not counted:
        return ""
    listed = "、".join(f"{whole(n)} {PARTNER_MEASURE_WORDS.get(name, '家')}{name}" for name, n in counted)
    return f"学校已与 {listed}签订合作协议。"


def partner_types_sentence(fig: ReportFigures) -> str:
    """按合作单位类型：社区服务中心 4 场（参与学生 820 人次）……; empty without a partner's activity."""
    listing, partners = fig.activity_list, fig.partners
    if listing.empty or partners.empty:
        return ""
    kinds = dict(zip(partners["partner_name"], partners["partner_type"], strict=True))
    done = listing.dropna(subset=["partner_name"])
    done = done.assign(kind=[kinds.get(name) or "其他" for name in done["partner_name"]])
    if done.empty:
        return ""
    grouped = (
        done.groupby("kind", sort=False)
        .agg(n=("activity_id", "count"), students=("students_count", "sum"))
        .sort_values("n", ascending=False, kind="stable")
    )
    items = [
        f"{kind} {whole(row['n'])} 场" + (f"（参与学生 {whole(row['students'])} 人次）" if row["students"] else "")
        for kind, row in grouped.iterrows()
    ]
    return "按合作单位类型：" + "；".join(items) + "。"


def bases_sentence(fig: ReportFigures) -> str:
    """学生走进 N 个校外实践基地; empty when no practice base hosted an activity."""
    if not fig.bases_used:
        return ""
    return f"本学期学生走进 {whole(fig.bases_used)} 个校外实践基地开展实践活动。"


def guidance_sentence(fig: ReportFigures) -> str:
    """家长学校 N 场，覆盖 M 户家庭，户均参加 X 场 (parent_school.summary); empty without a session."""
    g = fig.guidance
    if g is None or not g.sessions:
        return ""
    mean = "—" if g.mean_per_family is None else formats.number(g.mean_per_family, 1)
    text = f"家长学校 {whole(g.sessions)} 场，覆盖 {whole(g.families_reached)} 户家庭，户均参加 {mean} 场"
    if g.families:
        text += f"（共 {whole(g.families)} 户家庭，家长到场 {whole(g.attendances)} 人次）"
    return f"本学期开展{text}。"


def satisfaction(w: Writer) -> None:
    fig, f = w.fig, w.fig.figures
    w.section("家长满意度")
    if not f["satisfaction_respondents"]:
        w.paragraph(f"{fig.term_name}暂无家长满意度调查数据。")
        return
    if fig.hidden("satisfaction"):
        w.paragraph(f"本学期家长满意度调查{small_groups.reason('satisfaction')}调查结果。")
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
        + left_out_note(fig, "satisfaction")
    )
    if fig.classes["satisfaction"].notna().sum() > 1:
        w.chart("satisfaction", "各班家长满意度（虚线为目标）")
