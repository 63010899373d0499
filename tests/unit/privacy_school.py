"""A tiny school with a student who left (钱多多) and every kind of record about them and their family, for the
tests of hxgy.privacy: the family's file, the erasure, the retention purge."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from hxgy.entry.rules import as_dict, audit
from hxgy.models import (
    ActivityAttendance,
    CommitteeMember,
    Guardian,
    Honour,
    ImportBatch,
    Notice,
    NoticeClass,
    ReportText,
    VolunteerRecord,
)
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 11, 22)  # the tiny school's 2025-2026 year ended on 2026-08-31
NOON = datetime(2026, 11, 22, 12)
GONE = "钱多多"  # left at the end of 2025-2026
MOTHER_PHONE = "13912345678"
FATHER = "钱有为"
FATHER_PHONE = "13800001111"
STAYS = "孙小美"  # still a student


def privacy_school(session: Session) -> tuple[TinySchool, int]:
    """A class of three, one of whom (钱多多) left in the summer, with every kind of record about them."""
    s = tiny_school(session)
    s.add_class(3, 1, head="王老师")
    s.add_class(3, 2)
    gone = s.add_student(GONE, "三(1)班")
    s.add_student(STAYS, "三(1)班")
    s.add_student("周一鸣", "三(2)班")
    gone.active = False
    gone.gender, gone.birth_date, gone.left_behind, gone.hardship = "男", date(2017, 3, 5), True, True
    mother = s.guardians[GONE]
    mother.phone, mother.work_unit = MOTHER_PHONE, "东湖街道办"
    father = Guardian(school_id=s.school.id, family_id=gone.family_id, name=FATHER, relation="父亲", phone=FATHER_PHONE)
    session.add(father)
    session.flush()
    visit = s.contact("三(1)班", date(2025, 9, 10), GONE, channel="home_visit")
    visit.summary = f"家访{GONE}，{FATHER}在场，留电话 {FATHER_PHONE}"
    s.contact("三(1)班", date(2026, 3, 2), GONE).summary = f"与{GONE}妈妈通话"
    s.contact("三(1)班", date(2026, 3, 3), GONE, deleted=True).summary = f"{GONE}（已撤销的记录）"
    s.contact("三(1)班", date(2025, 10, 8)).summary = f"班级群通知：{GONE}妈妈在家长会上发言"
    s.contact("三(1)班", date(2025, 11, 4), STAYS).summary = f"{STAYS}与{GONE}发生争执"
    s.contact("三(1)班", date(2026, 4, 1), STAYS, channel="home_visit").summary = "家访，一切正常"
    request = s.request("三(1)班", datetime(2025, 11, 3, 9), datetime(2025, 11, 4, 9))
    request.student_id, request.guardian_id = gone.id, mother.id
    request.content, request.reply = f"{GONE}妈妈（{MOTHER_PHONE}）反映校车问题", f"已电话答复{FATHER}"
    s.request("三(1)班", datetime(2026, 3, 3, 9))  # another family's open request
    s.volunteer("三(1)班", GONE, date(2025, 10, 9), 2.0).note = f"{GONE}妈妈护学岗"
    s.volunteer("三(1)班", GONE, date(2026, 4, 9), 1.5, confirmed=False)
    s.volunteer("三(1)班", STAYS, date(2026, 4, 9), 3.0)
    session.add(
        VolunteerRecord(
            school_id=s.school.id,
            class_id=s.classes["三(1)班"].id,
            guardian_id=father.id,
            activity_id=s.category("volunteer_activity", "lunch_duty"),
            service_date=date(2026, 5, 6),
            hours=1.0,
            confirmed_at=datetime(2026, 5, 6),
        )
    )
    s.scores(GONE, "三(1)班", {"teacher": 95, "parent": 90, "self": 85})
    s.scores(GONE, "三(1)班", {"teacher": 70, "parent": 80}, term=s.term2)
    s.scores(STAYS, "三(1)班", {"teacher": 88})
    s.activity("家长会", date(2025, 9, 20), "parent_meeting", "class", {"三(1)班": 2}).outcome = f"{GONE}获表扬"
    s.survey("三(1)班", 2, 2)
    # 家长学校: the mother signed in; the father on the class's 家委会; what the school wrote about the child
    guidance = s.activity("家长学校第一讲", date(2025, 10, 16), "parent_school", "school", {})
    session.add(ActivityAttendance(school_id=s.school.id, activity_id=guidance.id, guardian_id=mother.id))
    session.add(
        CommitteeMember(
            school_id=s.school.id,
            school_year_id=s.year.id,
            class_id=s.classes["三(1)班"].id,
            guardian_id=father.id,
            position="副主任",
        )
    )
    session.add(
        Honour(
            school_id=s.school.id, term_id=s.term1.id, title="新时代好少年", level="校级", recipient_kind="student",
            recipient=GONE,
        )
    )  # fmt: skip
    notice = Notice(
        school_id=s.school.id, notice_date=date(2025, 11, 1), title=f"感谢{FATHER}家长", content=f"{GONE}家长捐书"
    )
    session.add(notice)
    session.flush()
    session.add(NoticeClass(notice_id=notice.id, class_id=s.classes["三(1)班"].id))
    session.add(ReportText(school_id=s.school.id, term_id=s.term1.id, part="cases", body=f"【案例】{GONE}的转变"))
    # what the audit log and the import history hold about them, as the entry functions and imports write it
    dean = s.user("dean", "德育主任甲")
    audit(session, dean, "update", "student", gone.id, before=as_dict(gone), after={"name": GONE, "hardship": True})
    audit(session, dean, "update", "guardian", mother.id, before=as_dict(mother), after={"phone": MOTHER_PHONE})
    audit(session, dean, "create", "communication", visit.id, after=as_dict(visit))
    audit(session, dean, "denied", "", None, detail=f"查看{GONE}的德育评分")
    session.add(
        ImportBatch(school_id=s.school.id, kind="students", file_name=f"三(1)班{GONE}转出.xlsx", file_sha256="0" * 64)
    )
    session.commit()
    return s, dean.id
