"""See: everything stored about one student and their family, as one Word document (.docx) a parent can read.

Every table that refers to the student or to a guardian of the family is read here: the student's record and
flags, the family and its guardians (full phone numbers: it is the family's own data), the classes, the
communication records, the requests, the volunteer hours, the 德育 scores. Records withdrawn (soft-deleted) are
still stored, so they are listed too, marked 已撤销. Activities (家长会, 家长学校 …) are counted per class, never per
family, so there is nothing of a family's own there; the document says so.

``family_file`` only reads; the page serves the file with ``hxgy.ui.downloads.private_download``, which writes the
export in the audit log (who, what, how many rows).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from hxgy import glossary
from hxgy.models import (
    Category,
    Communication,
    Enrolment,
    Family,
    MoralDimension,
    MoralRater,
    MoralScore,
    ParentRequest,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
    VolunteerRecord,
)
from hxgy.privacy.people import guardians_of, student_status
from hxgy.report.document import BODY_FONT, HEADING_FONT, set_east_asian_font

WITHDRAWN = "已撤销"
YES_NO = {True: "是", False: "否"}


class NotThisSchool(LookupError):
    """The student id is not a student of the school."""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class _Writer:
    """A plain document: title, headings, key–value lines and tables, Chinese fonts set."""

    def __init__(self) -> None:
        self.doc: DocxDocument = Document()
        for name, font in (("Normal", BODY_FONT), ("Title", HEADING_FONT), ("Heading 1", HEADING_FONT)):
            set_east_asian_font(self.doc.styles[name], font)
        self.doc.styles["Normal"].font.size = Pt(11)
        set_east_asian_font(self.doc.styles["Table Grid"], BODY_FONT)
        self.rows = 0

    def heading(self, text: str) -> None:
        self.doc.add_heading(text, level=1)

    def line(self, text: str) -> None:
        self.doc.add_paragraph(text)

    def fields(self, pairs: Sequence[tuple[str, object]]) -> None:
        for label, value in pairs:
            self.doc.add_paragraph(f"{label}：{_text(value) or '—'}")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]], *, empty: str) -> None:
        """A table with one row per record (counted in ``rows``), or ``empty`` when there is none."""
        if not rows:
            self.line(empty)
            return
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = header
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = _text(value)
        self.rows += len(rows)

    def data(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _names(session: Session, model: type[Category] | type[MoralDimension] | type[MoralRater], ids: set[int]) -> dict:
    if not ids:
        return {}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def _state(deleted_at: datetime | None) -> str:
    return WITHDRAWN if deleted_at is not None else ""


def family_file(session: Session, school_id: int, student_id: int, *, today: date) -> tuple[bytes, int]:
    """The .docx of everything stored about the student and their family, and how many records it lists.

    Raises NotThisSchool when the student is not one of the school's.
    """
    status = student_status(session, school_id, student_id)
    if status is None:
        raise NotThisSchool(f"学生 {student_id} 不是本校学生")
    student = session.get_one(Student, student_id)
    school = session.get_one(School, school_id)
    family = session.get(Family, student.family_id) if student.family_id is not None else None
    guardians = guardians_of(session, student)
    guardian_ids = [g.id for g in guardians]
    guardian_names = {g.id: g.name for g in guardians}
    w = _Writer()
    w.doc.add_heading("学生及家庭个人信息查询结果", level=0)
    w.line(
        f"{school.name}　{student.name}（学号 {student.student_no}）　生成日期 {today:%Y-%m-%d}。"
        "本文件列出学校“家校社协同育人”系统中保存的、与该生及其家庭有关的全部信息，"
        "依据《中华人民共和国个人信息保护法》第四十五条应家长申请提供。"
        "如发现信息有误，请告知班主任或德育处更正；学生离校后，家长可申请删除。"
    )

    w.heading("一、学生基本信息")
    w.fields(
        [
            ("姓名", student.name),
            ("学号", student.student_no),
            ("性别", student.gender),
            ("出生日期", student.birth_date),
            ("入学年份", student.entry_year),
            ("在校情况", status.state(today)),
            ("留守儿童", student.left_behind),
            ("单亲家庭", student.single_parent),
            ("困难家庭", student.hardship),
            ("家庭编号", family.code if family else ""),
            ("家庭住址", family.address if family else ""),
        ]
    )
    w.rows += 1

    w.heading("二、监护人")
    w.table(
        ["姓名", "关系", "电话", "工作单位", "主要监护人"],
        [[g.name, g.relation, g.phone, g.work_unit, g.is_primary] for g in guardians],
        empty="没有登记监护人。",
    )

    w.heading("三、就读班级")
    enrolments = session.execute(
        select(SchoolYear.name, SchoolClass.name, Enrolment.start_date, Enrolment.end_date, SchoolYear.end_date)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(Enrolment.student_id == student_id)
        .order_by(Enrolment.start_date, Enrolment.id)
    ).all()
    w.table(
        ["学年", "班级", "入班日期", "离班日期"],
        [[year, name, start, end or year_end] for year, name, start, end, year_end in enrolments],
        empty="没有班级记录。",
    )

    w.heading("四、家校沟通记录")
    contacts = session.execute(
        select(Communication, SchoolClass.name, Staff.name)
        .join(SchoolClass, SchoolClass.id == Communication.class_id)
        .outerjoin(Staff, Staff.id == Communication.staff_id)
        .where(Communication.school_id == school_id, Communication.student_id == student_id)
        .order_by(Communication.contact_date, Communication.id)
    ).all()
    categories = _names(
        session,
        Category,
        {c.channel_id for c, _, _ in contacts} | {c.topic_id for c, _, _ in contacts if c.topic_id is not None},
    )
    w.table(
        ["日期", "班级", "方式", "方向", "主题", "时长（分钟）", "教师", "内容摘要", "需跟进", "状态"],
        [
            [
                c.contact_date,
                class_name,
                categories.get(c.channel_id, ""),
                glossary.DIRECTION_LABELS.get(c.direction, c.direction),
                categories.get(c.topic_id, "") if c.topic_id is not None else "",
                c.duration_min,
                staff_name or "",
                c.summary,
                c.follow_up,
                _state(c.deleted_at),
            ]
            for c, class_name, staff_name in contacts
        ],
        empty="没有与该生有关的沟通记录（面向全班的通知不针对个人，不在此列）。",
    )

    w.heading("五、家长诉求")
    request_class = aliased(SchoolClass)
    conditions = [ParentRequest.student_id == student_id]
    if guardian_ids:
        conditions.append(ParentRequest.guardian_id.in_(guardian_ids))
    requests = session.execute(
        select(ParentRequest, request_class.name)
        .outerjoin(request_class, request_class.id == ParentRequest.class_id)
        .where(ParentRequest.school_id == school_id, or_(*conditions))
        .order_by(ParentRequest.received_at, ParentRequest.id)
    ).all()
    request_categories = _names(
        session,
        Category,
        {r.channel_id for r, _ in requests} | {r.category_id for r, _ in requests if r.category_id is not None},
    )
    w.table(
        ["收到时间", "班级", "渠道", "类别", "监护人", "内容", "答复时间", "答复", "状态"],
        [
            [
                r.received_at,
                class_name or "",
                request_categories.get(r.channel_id, ""),
                request_categories.get(r.category_id, "") if r.category_id is not None else "",
                guardian_names.get(r.guardian_id, "") if r.guardian_id is not None else "",
                r.content,
                r.replied_at,
                r.reply,
                _state(r.deleted_at),
            ]
            for r, class_name in requests
        ],
        empty="没有家长诉求记录。",
    )

    w.heading("六、家长志愿服务")
    hours = (
        session.execute(
            select(VolunteerRecord, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == VolunteerRecord.class_id)
            .where(VolunteerRecord.school_id == school_id, VolunteerRecord.guardian_id.in_(guardian_ids))
            .order_by(VolunteerRecord.service_date, VolunteerRecord.id)
        ).all()
        if guardian_ids
        else []
    )
    activities = _names(session, Category, {v.activity_id for v, _ in hours})
    w.table(
        ["日期", "监护人", "班级", "项目", "时长（小时）", "已确认", "备注", "状态"],
        [
            [
                v.service_date,
                guardian_names.get(v.guardian_id, ""),
                class_name,
                activities.get(v.activity_id, ""),
                v.hours,
                v.confirmed_at is not None,
                v.note,
                _state(v.deleted_at),
            ]
            for v, class_name in hours
        ],
        empty="没有志愿服务记录。",
    )

    w.heading("七、德育评价")
    scores = session.execute(
        select(Term.name, SchoolClass.name, MoralScore.dimension_id, MoralScore.rater_id, MoralScore.score)
        .join(Term, Term.id == MoralScore.term_id)
        .join(SchoolClass, SchoolClass.id == MoralScore.class_id)
        .where(MoralScore.student_id == student_id)
        .order_by(Term.start_date, MoralScore.dimension_id, MoralScore.rater_id)
    ).all()
    dimensions = _names(session, MoralDimension, {s[2] for s in scores})
    raters = _names(session, MoralRater, {s[3] for s in scores})
    w.table(
        ["学期", "班级", "维度", "评价主体", "分数"],
        [[term, cls, dimensions.get(dim, ""), raters.get(rater, ""), score] for term, cls, dim, rater, score in scores],
        empty="没有德育评分记录。",
    )

    w.heading("八、家长学校与协同活动")
    w.line(
        "家长会、家长学校、开放日、社区实践等活动，系统只按班级记录到场人数，"
        "不记录某位家长或学生是否参加，因此没有属于本家庭的活动记录。"
    )

    w.heading("九、说明")
    w.line(
        "上述信息仅用于学校开展家校沟通、家长志愿服务和德育评价工作，只有需要的教师和管理人员可以查看。"
        "学生离校后，学校按规定的留存年限保存，期满删除；删除后，班级的统计数字保持不变，"
        "但不再能看出是哪一位学生或家长。详见学校提供的《个人信息保护说明》。"
    )
    return w.data(), w.rows
