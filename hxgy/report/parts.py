"""The report's parts beyond the measures: the dean's own text, 家委会, honours and the 落款.

- ``dean_paragraphs``: a part the dean wrote (工作举措与成效, 典型案例, 下一步工作计划), one paragraph per line;
- ``committee_sentence``: 家委会：校级家委会 N 人，N 个班级成立班级家委会，共 N 人;
- ``honour_sentence``: the term's honours; a school, class, teacher or parent is named, students are only counted
  ("3 名学生获评区级“新时代好少年”"), never named;
- ``rule_lines`` / ``care_sentence`` (工作要求落实情况, the whole school's report only): each enabled rule of
  设置 → 工作要求 (hxgy.compliance.school_results) in words with its status and 已达到 x/y; the flagged students
  (hxgy.metrics.special_groups) reached, as counts. A rule or a group of fewer than 5 students (or families,
  or requests) is not told, nor counted among the rules met;
- ``signature``: the signer (default the school) and the date (default the day the report is made).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from hxgy import compliance
from hxgy.metrics import small_groups
from hxgy.metrics.community import CommitteeCounts
from hxgy.metrics.special_groups import ANY, FLAGGED, OTHERS
from hxgy.models.school_setup import STUDENT_FLAGS
from hxgy.report.blocks import Writer
from hxgy.report.figures import ReportFigures
from hxgy.report.wording import chinese_day, value_text, whole

NAMED_PREFIX = {"school": "", "class": "", "staff": "教师", "parent": "家长"}  # written once before the names
NAMED_UNITS = {"school": "所", "class": "个班级", "staff": "人", "parent": "人"}  # 家长甲、乙（2 人）获评…
CARE_LABELS = {ANY: "重点关爱学生（任一类）", **compliance.FLAG_LABELS}


def dean_text(fig: ReportFigures, part: str) -> list[str]:
    """The paragraphs of a part the dean wrote: one per non-empty line, its leading spaces (全角 too) dropped."""
    body = fig.texts.get(part, "")
    return [line.strip().lstrip("\u3000").strip() for line in body.splitlines() if line.strip().lstrip("\u3000")]


def dean_paragraphs(w: Writer, part: str) -> bool:
    """Write the dean's part as paragraphs (kept as written); False when there is none."""
    paragraphs = dean_text(w.fig, part)
    for text in paragraphs:
        w.paragraph(text)
    return bool(paragraphs)


def dean_section(w: Writer, part: str, title: str) -> None:
    """A section of the dean's own text (工作举措与成效, 典型案例), left out when the dean wrote none."""
    if dean_text(w.fig, part):
        w.section(title)
        dean_paragraphs(w, part)


def committee_sentence(fig: ReportFigures) -> str:
    """家委会：校级家委会 N 人，N 个班级成立班级家委会，共 N 人次 (seats: a guardian on two class committees counts
    twice; counts only; a grade's report: its classes)."""
    counts: CommitteeCounts | None = fig.committee
    if counts is None or not (counts.school_members or counts.class_members):
        return ""
    parts = []
    if fig.grade_level is None:
        parts.append(f"校级家委会 {whole(counts.school_members)} 人")
    classes, formed = len(fig.classes), counts.classes_with_committee
    if classes and formed >= classes:
        parts.append(f"全部 {whole(classes)} 个班级均成立班级家委会，共 {whole(counts.class_members)} 人次")
    else:
        among = f"{whole(classes)} 个班级中 " if classes else ""
        parts.append(f"{among}{whole(formed)} 个班级成立班级家委会，共 {whole(counts.class_members)} 人次")
    return "家委会：" + "，".join(parts) + "。"


def honour_sentence(honours: pd.DataFrame | None, before: pd.DataFrame | None = None) -> str:
    """The honours of the term, highest level first: named recipients by title, students counted, never named.

    With ``before`` (the same term last year), a students' honour also awarded then is compared: 较去年同期增加 5 名.
    """
    if honours is None or honours.empty:
        return ""
    items = []
    keys = ["level", "title", "recipient_kind"]
    for (level, title, kind), rows in honours.groupby(keys, sort=False):
        if kind == "student":
            items.append(f"{len(rows)} 名学生获评{level}“{title}”{_last_year(before, level, title, len(rows))}")
        else:
            names = NAMED_PREFIX.get(str(kind), "") + "、".join(str(r) for r in rows["recipient"])
            many = f"（{len(rows)} {NAMED_UNITS.get(str(kind), '个')}）" if len(rows) > 1 else ""
            items.append(f"{names}{many}获评{level}“{title}”")
    return f"本学期共获各级荣誉 {len(honours)} 项（人次）：" + "；".join(items) + "。"


def _last_year(before: pd.DataFrame | None, level: str, title: str, now: int) -> str:
    """（较去年同期增加 5 名 / 减少 / 持平）for a students' honour awarded the same term last year too."""
    if before is None or before.empty:
        return ""
    then = int(
        ((before["level"] == level) & (before["title"] == title) & (before["recipient_kind"] == "student")).sum()
    )
    if not then:
        return ""
    if now == then:
        return "，与去年同期持平"
    return f"，较去年同期{'增加' if now > then else '减少'} {abs(now - then)} 名"


def committee_and_honours(w: Writer) -> None:
    """家委会与荣誉表彰: the committee's counts and (the whole school's report) the honours; left out when empty."""
    committee = committee_sentence(w.fig)
    honours = honour_sentence(w.fig.honours, w.fig.honours_before) if w.fig.grade_level is None else ""
    if not committee and not honours:
        return
    w.section("家委会与荣誉表彰")
    w.paragraph(committee, lead="家长委员会")
    w.paragraph(honours, lead="荣誉表彰")


def volunteer_honours(fig: ReportFigures) -> str:
    """N 名家长获评校级“优秀家长志愿者”: parents' honours whose title names 志愿 (whole school's report only)."""
    honours = fig.honours
    if fig.grade_level is not None or honours is None or honours.empty:
        return ""
    chosen = honours[(honours["recipient_kind"] == "parent") & honours["title"].astype(str).str.contains("志愿")]
    if chosen.empty:
        return ""
    counted = chosen.groupby(["level", "title"], sort=False).size()
    return (
        "本学期共有 "
        + "、".join(f"{whole(n)} 名家长获评{level}“{title}”" for (level, title), n in counted.items())
        + "。"
    )


def rule_hidden(fig: ReportFigures, result: compliance.Result) -> bool:
    """A rule whose subjects are a group of 1–4 (or whose flag the 重点关爱学生 figures hide) is not told."""
    if compliance.too_few(result):
        return True
    return (
        result.rule.kind == "flag_contact"
        and result.status != compliance.NO_SUBJECTS
        and care_hidden(fig, result.rule.flag or ANY)
    )


def rule_line(fig: ReportFigures, result: compliance.Result) -> str:
    """全员家访（每名学生每学期上门家访至少 1 次）：未达标，已达到 1,211/1,372 名学生。"""
    rule = result.rule
    head = f"{rule.label}（{rule.text(fig.response_limit_hours)}）："
    if rule_hidden(fig, result):
        return head + f"涉及对象不足 {small_groups.MIN_GROUP} 个（或可据此推算），为保护隐私不单独列出。"
    status = compliance.STATUS_LABELS[result.status]
    if result.status == compliance.NO_SUBJECTS:
        return head + f"{status}（本学期没有适用对象）。"
    if rule.kind == "guidance_sessions":
        return head + f"{status}，{result.note}。"
    unit = compliance.SUBJECT_UNITS.get(rule.kind, "")
    text = head + f"{status}，已达到 {whole(result.met)}/{whole(result.subjects)} {unit}"
    pending = result.subjects - result.met - result.failed
    if fig.period.in_progress and pending:  # while the term runs: who can no longer meet it, who still can
        word = unit[:1]  # 名, 户, 条
        failed = f"{whole(result.failed)} {word}已不能达到、" if result.failed else ""
        text += f"（{failed}{whole(pending)} {word}尚在学期内）"
    return text + "。"


def rule_lines(fig: ReportFigures) -> list[str]:
    """The summary of the school's rules, then one line per rule; empty without rules (or a grade's report)."""
    if fig.grade_level is not None or not fig.rules:
        return []
    told = [r for r in fig.rules if not rule_hidden(fig, r) and r.status != compliance.NO_SUBJECTS]
    counts = [
        f"{compliance.STATUS_LABELS[s]} {sum(r.status == s for r in told)} 项"
        for s in (compliance.MET, compliance.NOT_MET, compliance.NOT_DUE)
        if any(r.status == s for r in told)
    ]
    others = len(fig.rules) - len(told)
    summary = f"按学校设定的 {len(fig.rules)} 项工作要求检查，" + ("、".join(counts) or "暂无可判断的要求")
    summary += f"（另有 {others} 项无适用对象或不单独列出）" if others else ""
    pace = "；学期尚在进行，“未到期”指仍可在学期内完成" if fig.period.in_progress else ""
    return [summary + pace + "。", *(rule_line(fig, r) for r in fig.rules)]


def care_hidden(fig: ReportFigures, flag: str) -> bool:
    """The whole school's figures of ``flag`` are not shown (hxgy.metrics.special_groups' rule)."""
    if fig.care is None:
        return True
    rows = fig.care.total[(fig.care.total["flag"] == flag) & (fig.care.total["group"] == FLAGGED)]
    return rows.empty or bool(rows["hidden"].iloc[0])


def _care_row(fig: ReportFigures, flag: str, group: str) -> dict[str, float]:
    assert fig.care is not None
    total = fig.care.total
    return total[(total["flag"] == flag) & (total["group"] == group)].iloc[0].to_dict()


def care_sentence(fig: ReportFigures) -> str:
    """留守儿童 N 名，有个别沟通记录 M 名（x%）、已家访 K 名（y%），人均个别沟通 z 次（其他学生 w 次）… counts only."""
    if fig.grade_level is not None or fig.care is None or fig.care.total.empty:
        return ""
    if care_hidden(fig, ANY):  # every flag is hidden with it (special_groups): one sentence, no flag named
        return f"全校重点关爱学生人数不足 {small_groups.MIN_GROUP} 人或可据此推算，为保护学生隐私不单独统计。"
    items = []
    for flag in (ANY, *STUDENT_FLAGS):
        name = CARE_LABELS.get(flag, flag)
        if care_hidden(fig, flag):
            items.append(f"{name}人数不足 {small_groups.MIN_GROUP} 人或可据此推算，不单独统计")
            continue
        row, others = _care_row(fig, flag, FLAGGED), _care_row(fig, flag, OTHERS)
        students = row["students"]
        if not students:
            continue
        items.append(
            f"{name} {whole(students)} 名，本学期有个别沟通记录 {whole(row['contacted_students'])} 名"
            f"（沟通覆盖率 {value_text('contact_coverage', row['contact_coverage'])}，其他学生 "
            f"{value_text('contact_coverage', others['contact_coverage'])}）、已家访 "
            f"{whole(row['visited_students'])} 名（家访覆盖率 "
            f"{value_text('home_visit_coverage', row['home_visit_coverage'])}），"
            f"人均个别沟通 {value_text('contacts_per_family', row['contacts_per_student'])}"
            f"（其他学生 {value_text('contacts_per_family', others['contacts_per_student'])}）"
        )
    if not items:
        return ""
    return "全校" + "；".join(items) + "（只统计人数，不列姓名）。"


def work_rules(w: Writer) -> None:
    """工作要求落实情况: each rule met or not, and the flagged students reached (whole school's report only)."""
    lines, care = rule_lines(w.fig), care_sentence(w.fig)
    if not lines and not care:
        return
    w.section("工作要求落实情况")
    if lines:
        w.paragraph(lines[0], lead="工作要求")
        for line in lines[1:]:
            w.bullet(line)
    w.paragraph(care, lead="重点关爱学生")


def signed_on(fig: ReportFigures) -> date:
    """The 落款 date: the dean's, else the day the report is made."""
    saved = fig.texts.get("signed_on", "")
    try:
        return date.fromisoformat(saved) if saved else fig.drafted_on
    except ValueError:
        return fig.drafted_on


def signature(w: Writer) -> None:
    """落款: the signer (the dean's, else the school) and the date, 2026年12月1日."""
    signer = w.fig.texts.get("signer", "").strip() or w.fig.school_name
    w.signature(signer, chinese_day(signed_on(w.fig)))
