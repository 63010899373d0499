"""One validation for the forms and the importer: one table of cases, each run through the form's save function
(hxgy.entry.records) and through an import of a one-row sheet; both accept, or both refuse with the same message.

The rules live in hxgy/entry/checks.py. The form names the field (时长), the import the row and column (第 2 行，
H 列“时长(分钟)”); the message after it is the same. 测试小学, 一(1)班 with student A (guardian A妈妈); today
2025-12-01, in the first term.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import records
from hxgy.entry.records import ActivityEntry, ContactEntry, RequestEntry, VolunteerEntry
from hxgy.entry.rules import InvalidEntry
from hxgy.models import Category
from hxgy.transfer.imports import prepare
from tests.builders import TinySchool, tiny_school
from tests.unit.test_import_corpus import csv_file

TODAY = date(2025, 12, 1)
DAY = date(2025, 11, 30)
RECEIVED = datetime(2025, 11, 30, 9, 0)
CLASS = "一(1)班"


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_student("A", CLASS)
    session.commit()
    yield s
    session.close()


def _name(s: TinySchool, kind: str, code: str) -> str:
    return s.session.get(Category, s.category(kind, code)).name


Save = Callable[[TinySchool, CurrentUser], object]


@dataclass(frozen=True)
class Case:
    """One set of values, as the form takes them (``save``) and as a sheet holds them (``kind``, ``row``)."""

    name: str
    kind: str
    row: Callable[[TinySchool], dict[str, object]]
    save: Save
    field: str = ""  # the form's field and the sheet's column that are refused ("" : both accept)
    column: str = ""
    message: str = ""


# ---- the same values both ways -------------------------------------------------------------------------------


def contact(minutes: float | None = None, *, student: bool = True, channel: str = "home_visit") -> tuple:
    def row(s: TinySchool) -> dict[str, object]:
        no = s.students["A"].student_no if student else ""
        shown = "" if minutes is None else (int(minutes) if float(minutes).is_integer() else minutes)
        return {
            "沟通日期": f"{DAY}",
            "班级": CLASS,
            "学号": no,
            "沟通方式": _name(s, "channel", channel),
            "时长(分钟)": shown,
        }

    def save(s: TinySchool, user: CurrentUser) -> object:
        entry = ContactEntry(
            class_id=s.classes[CLASS].id,
            contact_date=DAY,
            channel_id=s.category("channel", channel),
            student_id=s.students["A"].id if student else None,
            duration_min=minutes,  # type: ignore[arg-type]  # a form gives whole minutes; the rule says so for 30.5
        )
        return records.log_contact(s.session, user, entry, today=TODAY)

    return "communications", row, save


def volunteering(hours: float) -> tuple:
    def row(s: TinySchool) -> dict[str, object]:
        return {
            "服务日期": f"{DAY}",
            "班级": CLASS,
            "学号": s.students["A"].student_no,
            "家长姓名": "A妈妈",
            "志愿项目": _name(s, "volunteer_activity", "gate_duty"),
            "时长(小时)": hours,
        }

    def save(s: TinySchool, user: CurrentUser) -> object:
        entry = VolunteerEntry(
            class_id=s.classes[CLASS].id,
            guardian_id=s.guardians["A"].id,
            activity_id=s.category("volunteer_activity", "gate_duty"),
            service_date=DAY,
            hours=hours,
        )
        return records.record_volunteering(s.session, user, entry, today=TODAY)

    return "volunteering", row, save


def request(replied: datetime | None, reply: str) -> tuple:
    def row(s: TinySchool) -> dict[str, object]:
        return {
            "收到时间": f"{RECEIVED:%Y-%m-%d %H:%M}",
            "反映渠道": _name(s, "request_channel", "mailbox"),
            "诉求内容": "希望延长课后服务",
            "班级": CLASS,
            "答复时间": f"{replied:%Y-%m-%d %H:%M}" if replied else "",
            "答复内容": reply,
        }

    def save(s: TinySchool, user: CurrentUser) -> object:
        entry = RequestEntry(
            received_at=RECEIVED,
            channel_id=s.category("request_channel", "mailbox"),
            content="希望延长课后服务",
            class_id=s.classes[CLASS].id,
            replied_at=replied,
            reply=reply,
        )
        return records.record_request(s.session, user, entry, today=TODAY)

    return "requests", row, save


def survey(respondents: int, satisfied: int) -> tuple:
    def row(s: TinySchool) -> dict[str, object]:
        return {"学期": s.term1.name, "班级": CLASS, "答卷人数": respondents, "满意人数": satisfied}

    def save(s: TinySchool, user: CurrentUser) -> object:
        return records.save_satisfaction(
            s.session,
            user,
            term_id=s.term1.id,
            class_id=s.classes[CLASS].id,
            respondents=respondents,
            satisfied=satisfied,
            today=TODAY,
        )

    return "satisfaction", row, save


def activity(students: int | None) -> tuple:
    def row(s: TinySchool) -> dict[str, object]:
        return {
            "活动日期": f"{DAY}",
            "活动名称": "家长学校：如何陪孩子阅读",
            "活动类型": _name(s, "activity_type", "parent_school"),
            "参与学生人次": "" if students is None else students,
        }

    def save(s: TinySchool, user: CurrentUser) -> object:
        entry = ActivityEntry(
            title="家长学校：如何陪孩子阅读",
            type_id=s.category("activity_type", "parent_school"),
            activity_date=DAY,
            students_count=students,
        )
        return records.record_activity(s.session, user, entry, today=TODAY)

    return "activities", row, save


def case(name: str, both: tuple, field: str = "", column: str = "", message: str = "") -> Case:
    kind, row, save = both
    return Case(name, kind, row, save, field, column, message)


CLASS_WIDE = "微信/班级群、家长会、线上平台"
CASES = [
    case("30 minutes", contact(30)),
    case("0 minutes", contact(0), "时长", "时长(分钟)", "应在 1 到 600 分钟之间"),
    case("601 minutes", contact(601), "时长", "时长(分钟)", "应在 1 到 600 分钟之间"),
    case("30.5 minutes", contact(30.5), "时长", "时长(分钟)", "“30.5”应是整数分钟"),
    case("a class-wide notice", contact(student=False, channel="wechat")),
    case(
        "a class-wide home visit",
        contact(student=False, channel="home_visit"),
        "学生",
        "沟通方式",
        f"“家访”是面向一户家庭的沟通方式，必须选择学生；面向全班的沟通只能用：{CLASS_WIDE}",
    ),
    case("1.5 hours", volunteering(1.5)),
    case("0 hours", volunteering(0), "时长", "时长(小时)", "应大于 0 且不超过 12 小时（一天）"),
    case("12.5 hours", volunteering(12.5), "时长", "时长(小时)", "应大于 0 且不超过 12 小时（一天）"),
    case("answered the next day", request(datetime(2025, 12, 1, 10), "已安排")),
    case(
        "answered before received",
        request(datetime(2025, 11, 29, 9), "已安排"),
        "答复时间",
        "答复时间",
        "不能早于收到时间",
    ),
    case("answered tomorrow", request(datetime(2025, 12, 2, 9), "已安排"), "答复时间", "答复时间", "不能晚于今天"),
    case(
        "a reply without its time", request(None, "已安排"), "答复时间", "答复时间", "填写了答复内容，也要填写答复时间"
    ),
    case(
        "a time without its reply",
        request(datetime(2025, 12, 1, 10), ""),
        "答复内容",
        "答复内容",
        "填写了答复时间，也要填写答复内容",
    ),
    case("40 of 45 satisfied", survey(45, 40)),
    case(
        "46 of 45 satisfied", survey(45, 46), "满意人数", "满意人数", "满意人数 46 多于答卷人数 45（不能多于答卷人数）"
    ),
    case("nobody answered", survey(0, 0), "答卷人数", "答卷人数", "不能小于 1"),
    case("30 pupils at an activity", activity(30)),
    case("-1 pupils at an activity", activity(-1), "参与学生人次", "参与学生人次", "不能小于 0"),
]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_the_form_and_the_import_keep_the_same_rule_with_the_same_message(school: TinySchool, c: Case) -> None:
    dean = school.user("dean", "德育主任")
    school.session.commit()

    form_message = ""
    try:
        c.save(school, dean)
    except InvalidEntry as refused:
        form_message = next((p.message for p in refused.problems if p.field == c.field), str(refused))
    school.session.rollback()

    plan = prepare(school.session, dean, c.kind, "一行.csv", csv_file([c.row(school)]), today=TODAY)
    import_message = next(
        (p.message for p in plan.problems if p.column == c.column), "; ".join(map(str, plan.problems))
    )
    school.session.rollback()

    assert (form_message, import_message) == (c.message, c.message)
    if not c.message:
        assert len(plan.new) == 1  # the import would write the one record the form wrote
