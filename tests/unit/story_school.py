"""A tiny school where one student (林小雨) has a two-year story, written by hand, for the tests of the 学生档案:
hxgy.privacy.story (what is gathered), hxgy.privacy.story_access (who sees what) and pages/student.py.

林小雨: 三(1)班 from 2025-09-01, 三(2)班 from 2026-03-01 (moved mid-year), 四(1)班 from 2026-09-01 (next year);
留守儿童. Family: 林小雨妈妈 (primary, 13912345678) and 林大山 (father, 13800001111).
Today is 2026-11-22, in the 2026-2027 school year.

德育 (default scheme: 教师 0.5, 家长 0.3, 自评 0.2; levels 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60):
- 2025-2026 第一学期, 三(1)班: 教师 文明礼仪 95, 责任担当 85, 诚信友善 90, 爱国情怀 80; 家长 90; 自评 85 (all four)
  文明礼仪 = 0.5×95 + 0.3×90 + 0.2×85 = 91.5; 责任担当 = 42.5 + 27 + 17 = 86.5; 诚信友善 = 45 + 44 = 89;
  爱国情怀 = 40 + 44 = 84; total = (91.5 + 86.5 + 89 + 84) / 4 = 87.75 → 良好
- 2025-2026 第二学期, 三(2)班: 教师 70, 家长 80 (no 自评: weights renormalised to 0.8)
  each dimension = (35 + 24) / 0.8 = 73.75; total 73.75 → 合格
- 2026-2027 第一学期, 四(1)班: 教师 92 only → each dimension 92, total 92 → 优秀
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import ClassAssignment, Guardian, Term, VolunteerRecord
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 11, 22)
STUDENT = "林小雨"
CLASSMATE = "高小明"  # 四(1)班 this year
OTHER = "周一鸣"  # 四(2)班 this year
MOTHER = f"{STUDENT}妈妈"
MOTHER_PHONE = "13912345678"
FATHER = "林大山"
FATHER_PHONE = "13800001111"


@dataclass
class StorySchool:
    """The school, its 2026-2027 terms, and one account of each kind that matters."""

    s: TinySchool
    autumn: Term  # 2026-2027 第一学期
    principal: CurrentUser
    dean: CurrentUser
    head: CurrentUser  # 赵老师, 班主任 of 四(1)班
    subject: CurrentUser  # 陈老师, teacher of 四(1)班 (not its 班主任)
    former_head: CurrentUser  # 王老师, 班主任 of 三(1)班 last year, no class this year
    other_head: CurrentUser  # 李老师, 班主任 of 四(2)班
    meeting: CurrentUser


def _head(s: TinySchool, role: str, staff: str, class_name: str) -> CurrentUser:
    user = s.user(role, staff)
    s.session.add(
        ClassAssignment(class_id=s.classes[class_name].id, staff_id=user.staff_id, role="head_teacher", subject="语文")
    )
    s.session.flush()
    return user


def story_school(session: Session) -> StorySchool:
    """The school, with 林小雨's story and the records of others around it (committed)."""
    s = tiny_school(session)
    s.add_class(3, 1)
    s.add_class(3, 2)
    year, autumn, _spring = s.next_year()
    s.add_class(4, 1, year=year)
    s.add_class(4, 2, year=year)
    student = s.add_student(STUDENT, "三(1)班", end=date(2026, 2, 28))
    s.enrol(STUDENT, "三(2)班", date(2026, 3, 1))
    s.enrol(STUDENT, "四(1)班", date(2026, 9, 1))
    student.left_behind = True
    s.add_student(CLASSMATE, "四(1)班", start=date(2026, 9, 1))
    s.add_student(OTHER, "四(2)班", start=date(2026, 9, 1))
    s.guardians[STUDENT].phone = MOTHER_PHONE
    father = Guardian(
        school_id=s.school.id, family_id=student.family_id, name=FATHER, relation="父亲", phone=FATHER_PHONE
    )
    session.add(father)
    session.flush()

    principal = s.user("principal", "校长甲")
    dean = s.user("dean", "德育主任甲")
    head = _head(s, "head_teacher", "赵老师", "四(1)班")
    subject = s.user("teacher", "陈老师", teaches="四(1)班")
    former_head = _head(s, "head_teacher", "王老师", "三(1)班")
    other_head = _head(s, "head_teacher", "李老师", "四(2)班")
    meeting = s.user("meeting")

    visit = s.contact("三(1)班", date(2025, 9, 10), STUDENT, channel="home_visit")
    visit.summary, visit.staff_id = f"家访，{FATHER}在场，留电话 {FATHER_PHONE}", former_head.staff_id
    s.contact("三(2)班", date(2026, 3, 5), STUDENT).summary = "电话沟通转班后的适应"
    message = s.contact("四(1)班", date(2026, 9, 15), STUDENT, channel="wechat")
    message.summary, message.follow_up, message.direction = "家长询问作业", True, "to_school"
    s.contact("四(1)班", date(2026, 10, 1), STUDENT, deleted=True).summary = "录错的记录"
    s.contact("四(1)班", date(2026, 10, 8)).summary = "班级群通知：秋游"
    s.contact("四(1)班", date(2026, 10, 9), CLASSMATE).summary = f"{CLASSMATE}与{STUDENT}同桌"

    asked = s.request("四(1)班", datetime(2026, 10, 12, 9), datetime(2026, 10, 13, 9))
    asked.student_id, asked.guardian_id = student.id, s.guardians[STUDENT].id
    asked.content, asked.reply = "希望调整座位", f"已与{FATHER}沟通"
    open_request = s.request(None, datetime(2026, 11, 20, 8))
    open_request.guardian_id, open_request.content = father.id, "校门口接送拥堵"
    s.request("四(2)班", datetime(2026, 11, 1, 9)).content = "另一个家庭的诉求"

    s.volunteer("三(1)班", STUDENT, date(2025, 10, 9), 2.0).note = "护学岗一学期"
    session.add(
        VolunteerRecord(
            school_id=s.school.id,
            class_id=s.classes["四(1)班"].id,
            guardian_id=father.id,
            activity_id=s.category("volunteer_activity", "lunch_duty"),
            service_date=date(2026, 10, 20),
            hours=1.5,
        )
    )
    s.volunteer("四(1)班", CLASSMATE, date(2026, 10, 20), 3.0)

    teacher_term1: dict[str, float] = {"civility": 95, "responsibility": 85, "integrity": 90, "patriotism": 80}
    s.scores(STUDENT, "三(1)班", {"teacher": teacher_term1, "parent": 90, "self": 85})
    s.scores(STUDENT, "三(2)班", {"teacher": 70, "parent": 80}, term=s.term2)
    s.scores(STUDENT, "四(1)班", {"teacher": 92}, term=autumn)
    s.scores(CLASSMATE, "四(1)班", {"teacher": 60}, term=autumn)
    session.commit()
    return StorySchool(s, autumn, principal, dean, head, subject, former_head, other_head, meeting)
