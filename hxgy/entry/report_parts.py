"""What the dean adds to a term's report (学期报告): the parts data cannot give, and the term's honours.

- ``save_report_text``: the title, 工作举措与成效, 典型案例, 下一步工作计划 and the 落款 (signer, date) of one term,
  all in one transaction; an empty part is removed (the report then uses its default).
- ``add_honour`` / ``remove_honour``: an honour of the term (title, level, who received it, when).

Who may: the roles with ``rights.Action.REPORT`` (admin, principal, dean); every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, require_school_write
from hxgy.glossary import HONOUR_RECIPIENT_LABELS, REPORT_PART_LABELS
from hxgy.models import Honour, ReportText, Term
from hxgy.models.base import utcnow
from hxgy.models.community import HONOUR_LEVELS, HONOUR_RECIPIENTS, REPORT_PARTS

# the longest text each part takes, in characters (the long parts hold a few pages of a report)
REPORT_TEXT_LIMITS: dict[str, int] = {
    "title": 100,
    "measures": 8000,
    "cases": 8000,
    "plan": 5000,
    "signer": 100,
    "signed_on": 10,
}
HONOUR_TEXT_LIMIT = 100


def _term_of_school(session: Session, problems: Problems, school_id: int, term_id: int) -> Term | None:
    term = session.get(Term, term_id)
    if term is None or term.school_id != school_id:
        problems.add("学期", "不是本校的学期")
        return None
    return term


def _part_value(problems: Problems, part: str, value: str | date | None) -> str:
    """A part as stored: text trimmed at the ends (paragraphs kept), a date as 2026-12-01; checked for length."""
    label = REPORT_PART_LABELS[part]
    if part == "signed_on":
        if value is None or value == "":
            return ""
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            problems.add(label, "应为日期，如 2026-12-01")
            return ""
    if isinstance(value, date):
        problems.add(label, "应为文字")
        return ""
    text = (value or "").strip()
    if part in ("title", "signer"):
        text = " ".join(text.split())  # one line
    limit = REPORT_TEXT_LIMITS[part]
    if len(text) > limit:
        problems.add(label, f"不能超过 {limit} 个字（现有 {len(text)} 个字）")
    return text


def save_report_text(
    session: Session, user: CurrentUser, *, term_id: int, texts: Mapping[str, str | date | None]
) -> int:
    """Save the dean's parts of a term's report (``texts``: part → text; parts not given are left as they are).

    An empty part is removed. Returns how many parts changed; each change is audited.
    """
    school_id = require_school_write(session, user, "修改学期报告", rights.Action.REPORT)
    problems = Problems()
    _term_of_school(session, problems, school_id, term_id)
    for part in texts:
        if part not in REPORT_PARTS:
            problems.add("报告内容", f"没有“{part}”这一部分")
    values = {part: _part_value(problems, part, value) for part, value in texts.items() if part in REPORT_PARTS}
    problems.raise_if_any()
    stored = {
        row.part: row
        for row in session.scalars(
            select(ReportText).where(ReportText.school_id == school_id, ReportText.term_id == term_id)
        )
    }
    changed = 0
    for part, value in values.items():
        row = stored.get(part)
        if row is not None and row.body == value:
            continue
        if row is None and not value:
            continue
        changed += 1
        if not value and row is not None:
            session.delete(row)
            audit(session, user, "delete", "report_text", row.id, before=as_dict(row, ["term_id", "part", "body"]))
            continue
        before = as_dict(row, ["term_id", "part", "body"]) if row is not None else None
        if row is None:
            row = ReportText(school_id=school_id, term_id=term_id, part=part, body=value, updated_by=user.id)
            session.add(row)
        else:
            row.body = value
            row.updated_by = user.id
            row.updated_at = utcnow()
        session.flush()
        after = as_dict(row, ["term_id", "part", "body"])
        audit(session, user, "update" if before else "create", "report_text", row.id, before=before, after=after)
    return changed


def add_honour(
    session: Session,
    user: CurrentUser,
    *,
    term_id: int,
    title: str,
    level: str,
    recipient_kind: str,
    recipient: str,
    awarded_on: date | None,
    today: date,
) -> int:
    """Record an honour of a term; returns its id. The same title to the same recipient in a term is refused."""
    school_id = require_school_write(session, user, "登记荣誉", rights.Action.REPORT)
    problems = Problems()
    _term_of_school(session, problems, school_id, term_id)
    title = " ".join((title or "").split())
    recipient = " ".join((recipient or "").split())
    if not title:
        problems.add("荣誉名称", "必须填写")
    elif len(title) > HONOUR_TEXT_LIMIT:
        problems.add("荣誉名称", f"不能超过 {HONOUR_TEXT_LIMIT} 个字（现有 {len(title)} 个字）")
    if level not in HONOUR_LEVELS:
        problems.add("级别", f"应为{'、'.join(HONOUR_LEVELS)}之一")
    if recipient_kind not in HONOUR_RECIPIENTS:
        problems.add("获奖对象", f"应为{'、'.join(HONOUR_RECIPIENT_LABELS.values())}之一")
    if not recipient:
        problems.add("获奖者", "必须填写")
    elif len(recipient) > HONOUR_TEXT_LIMIT:
        problems.add("获奖者", f"不能超过 {HONOUR_TEXT_LIMIT} 个字（现有 {len(recipient)} 个字）")
    if awarded_on is not None and awarded_on > today:
        problems.add("获奖日期", "不能晚于今天")
    if title and recipient:
        same = session.scalar(
            select(Honour.id).where(
                Honour.school_id == school_id,
                Honour.term_id == term_id,
                Honour.title == title,
                Honour.recipient == recipient,
            )
        )
        if same is not None:
            problems.add(
                "荣誉名称",
                f"本学期已登记“{recipient}”获“{title}”（同名的另一人请在姓名后注明班级或单位，如“{recipient}（三(2)班）”）",
            )
    problems.raise_if_any()
    honour = Honour(
        school_id=school_id,
        term_id=term_id,
        title=title,
        level=level,
        recipient_kind=recipient_kind,
        recipient=recipient,
        awarded_on=awarded_on,
    )
    session.add(honour)
    session.flush()
    audit(session, user, "create", "honour", honour.id, after=as_dict(honour))
    return honour.id


def remove_honour(session: Session, user: CurrentUser, *, honour_id: int) -> None:
    """Delete an honour recorded by mistake (audited with what it was)."""
    school_id = require_school_write(session, user, "删除荣誉", rights.Action.REPORT)
    honour = session.get(Honour, honour_id)
    problems = Problems()
    if honour is None or honour.school_id != school_id:
        problems.add("荣誉", "不是本校登记的荣誉")
    problems.raise_if_any()
    assert honour is not None
    before = as_dict(honour)
    session.delete(honour)
    session.flush()
    audit(session, user, "delete", "honour", honour_id, before=before)
