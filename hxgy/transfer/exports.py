"""The school's records in the columns of the import templates, so an export imports back unchanged.

Exports keep the same rules as the screens: roster files for admin and dean only; a head teacher gets the
records of the classes they teach; hxgy.exports.excel_bytes neutralises cells a spreadsheet would run.

Phone numbers (监护人, 教职工与任课, 合作单位) are whole only in the admin's files, which are meant to be edited and
imported back; every other export shows them as hxgy.formats.mask_phone does (138****5678), and importing such a file
keeps the stored numbers (hxgy.transfer.rows.cells.unmasked_phone).
``phone_warning`` is what the page says before either.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import pandas as pd
from sqlalchemy import ScalarResult, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from hxgy import formats, rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import refuse
from hxgy.models import (
    Activity,
    ActivityAttendance,
    ActivityClass,
    Category,
    ClassAssignment,
    Communication,
    Enrolment,
    Family,
    Guardian,
    MoralDimension,
    MoralRater,
    MoralScore,
    ParentRequest,
    Partner,
    SatisfactionResult,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
    VolunteerRecord,
)
from hxgy.models.community import COMMITTEE_POSITIONS, CommitteeMember
from hxgy.transfer.kinds import ASSIGNMENT_WORDS, DIRECTION_WORDS, SCOPE_WORDS, Kind, kind_or_error
from hxgy.transfer.lookup import Lookup

YES_NO = {True: "是", False: "否"}
PHONE_KINDS = {
    "guardians": "家长",
    "staff": "教职工",
    "partners": "合作单位联系人",
}  # the kinds whose files carry phone numbers: whose numbers
FULL_PHONE_ROLES = frozenset({rights.ADMIN})  # the roles whose roster files keep whole numbers, to import back


def full_phones(role: str, kind_key: str) -> bool:
    """Whether ``role``'s export of the kind carries whole phone numbers (False: masked, or no phone column)."""
    return kind_key in PHONE_KINDS and role in FULL_PHONE_ROLES


def phone_warning(role: str, kind_key: str) -> str | None:
    """What the export page says before a download with phone numbers (None: the kind's files have none)."""
    whose = PHONE_KINDS.get(kind_key)
    if whose is None:
        return None
    if full_phones(role, kind_key):
        return (
            f"文件含有{whose}完整手机号，供修改后导回系统使用。请妥善保管，勿转发到群聊或发给他人；"
            "导回后请删除本地文件。"
        )
    return (
        f"文件中的{whose}手机号已隐去中间几位（如 138****5678）。导回时，未改动的号码保持系统中的原号码不变；"
        "要修改号码，请在该格填写完整的新号码。"
    )


def _word(words: dict[str, str], code: str) -> str:
    return next((w for w, c in words.items() if c == code), code)


def _day(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _moment(value) -> str:  # noqa: ANN001
    if not value:
        return ""
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")


def export_frame(
    session: Session, user: CurrentUser, kind_key: str, *, term_id: int | None, today: date
) -> pd.DataFrame:
    """The kind's records as a table headed like its template (records of one term, or all when None)."""
    kind = kind_or_error(kind_key)
    if user.school_id is None or not rights.can(user.role, kind.export_action):
        raise refuse(session, user, f"导出{kind.title}")
    lookup = Lookup.load(session, user, today, kind.export_action)
    term = session.get(Term, term_id) if term_id is not None else None
    if term is not None and term.school_id != user.school_id:
        raise refuse(session, user, f"导出学期 {term_id} 的{kind.title}")
    rows = EXPORTERS[kind.key](session, lookup, term)
    headers = _headers(kind, lookup)
    frame = pd.DataFrame(rows, columns=list(headers))
    if kind.key in PHONE_KINDS and not full_phones(user.role, kind.key):
        phone = kind.column("phone").header
        frame[phone] = frame[phone].map(lambda number: formats.mask_phone(number or ""))
    return frame


def _headers(kind: Kind, lookup: Lookup) -> list[str]:
    headers = [c.header for c in kind.columns]
    if kind.key == "moral_wide":
        headers += lookup.dimension_names
    return headers


def _classes(lookup: Lookup, column):  # noqa: ANN001
    """A filter on a class column: a head teacher sees only the classes they teach."""
    if lookup.own_classes is None:
        return True
    return column.in_(sorted(lookup.own_classes))


def _between(column, term: Term | None):  # noqa: ANN001
    if term is None:
        return True
    return column.between(term.start_date, term.end_date)


def _categories(session: Session, school_id: int) -> dict[int, str]:
    return dict(session.execute(select(Category.id, Category.name).where(Category.school_id == school_id)).all())


def _students(session: Session, school_id: int) -> dict[int, tuple[str, str]]:
    return {
        r.id: (r.student_no, r.name)
        for r in session.execute(
            select(Student.id, Student.student_no, Student.name).where(Student.school_id == school_id)
        )
    }


def _staff_numbers(session: Session, school_id: int) -> dict[int, str]:
    return dict(session.execute(select(Staff.id, Staff.staff_no).where(Staff.school_id == school_id)).all())


ClassRecord = TypeVar("ClassRecord", Communication, VolunteerRecord)


def _class_records(
    session: Session, lk: Lookup, model: type[ClassRecord], day: InstrumentedAttribute[date], term: Term | None
) -> ScalarResult[ClassRecord]:
    """The records of a class (not deleted) on ``day``s of the term (None: any day) that the user may see, by day."""
    return session.scalars(
        select(model)
        .where(
            model.school_id == lk.school_id,
            model.deleted_at.is_(None),
            _between(day, term),
            _classes(lk, model.class_id),
        )
        .order_by(day, model.id)
    )


def _communications(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    m = Communication
    names, students, staff = (
        _categories(session, lk.school_id),
        _students(session, lk.school_id),
        _staff_numbers(session, lk.school_id),
    )
    rows = _class_records(session, lk, m, m.contact_date, term)
    return [
        [
            _day(c.contact_date),
            lk.class_names[c.class_id],
            students[c.student_id][0] if c.student_id else "",
            students[c.student_id][1] if c.student_id else "",
            names.get(c.channel_id, ""),
            _word(DIRECTION_WORDS, c.direction),
            names.get(c.topic_id, "") if c.topic_id else "",
            c.duration_min,
            c.summary,
            YES_NO[bool(c.follow_up)],
            staff.get(c.staff_id, "") if c.staff_id else "",
        ]
        for c in rows
    ]


def _requests(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    m = ParentRequest
    names, students = _categories(session, lk.school_id), _students(session, lk.school_id)
    stmt = select(m).where(m.school_id == lk.school_id, m.deleted_at.is_(None))
    if term is not None:
        stmt = stmt.where(m.received_at >= term.start_date, m.received_at < term.end_date + pd.Timedelta(days=1))
    if lk.own_classes is not None:
        stmt = stmt.where(m.class_id.in_(sorted(lk.own_classes)))
    return [
        [
            _moment(r.received_at),
            names.get(r.channel_id, ""),
            r.content,
            lk.class_names.get(r.class_id, "") if r.class_id else "",
            students[r.student_id][0] if r.student_id else "",
            names.get(r.category_id, "") if r.category_id else "",
            _moment(r.replied_at),
            r.reply,
        ]
        for r in session.scalars(stmt.order_by(m.received_at, m.id))
    ]


def _volunteering(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    m = VolunteerRecord
    names = _categories(session, lk.school_id)
    guardian_names = dict(
        session.execute(select(Guardian.id, Guardian.name).where(Guardian.school_id == lk.school_id)).all()
    )
    guardian_family = dict(
        session.execute(select(Guardian.id, Guardian.family_id).where(Guardian.school_id == lk.school_id)).all()
    )
    children: dict[int | None, list[tuple[int, str]]] = {}  # by family (None: students without one)
    for sid, no, family in session.execute(
        select(Student.id, Student.student_no, Student.family_id)
        .where(Student.school_id == lk.school_id)
        .order_by(Student.student_no)
    ):
        children.setdefault(family, []).append((sid, no))
    out = []
    for v in _class_records(session, lk, m, m.service_date, term):
        info_by_no = {no: lk.students.get(no.lower()) for _sid, no in children.get(guardian_family[v.guardian_id], [])}
        child = next(
            (no for no, info in info_by_no.items() if info and lk.class_of(info, v.service_date) == v.class_id), ""
        )
        out.append(
            [
                _day(v.service_date),
                lk.class_names[v.class_id],
                child,
                guardian_names[v.guardian_id],
                names.get(v.activity_id, ""),
                v.hours,
                v.note,
                YES_NO[v.confirmed_at is not None],
            ]
        )
    return out


def _activities(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    m = Activity
    names = _categories(session, lk.school_id)
    partners = dict(session.execute(select(Partner.id, Partner.name).where(Partner.school_id == lk.school_id)).all())
    out = []
    activities = session.scalars(
        select(m)
        .where(m.school_id == lk.school_id, m.deleted_at.is_(None), _between(m.activity_date, term))
        .order_by(m.activity_date, m.id)
    ).all()
    attended: dict[int, list[tuple[int, int | None]]] = {}
    for link in session.execute(
        select(ActivityClass.activity_id, ActivityClass.class_id, ActivityClass.parents_attended)
        .where(ActivityClass.activity_id.in_([a.id for a in activities]))
        .order_by(ActivityClass.class_id)
    ):
        attended.setdefault(link.activity_id, []).append((link.class_id, link.parents_attended))
    for a in activities:
        classes = attended.get(a.id, [])
        if lk.own_classes is not None:
            classes = [c for c in classes if c[0] in lk.own_classes]
            if not classes:
                continue
        head = [
            _day(a.activity_date),
            a.title,
            names.get(a.type_id, ""),
            _word(SCOPE_WORDS, a.scope),
            partners.get(a.partner_id, "") if a.partner_id else "",
            a.students_count,
            a.parents_count,
            a.families_count,
            a.outcome,
        ]
        rows: list[tuple[int | None, int | None]] = [*classes] or [(None, None)]  # a school activity: one row
        for class_id, parents in rows:
            out.append([*head, lk.class_names.get(class_id, "") if class_id else "", parents])
    return out


def _guidance_attendance(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    """A row per guardian signed in at a live guidance session and child of theirs in a class the session was for
    (and the user may export): the import's columns, 签到 √."""
    sessions = session.execute(
        select(Activity.id, Activity.activity_date, Activity.title, Activity.scope)
        .join(Category, Category.id == Activity.type_id)
        .where(
            Activity.school_id == lk.school_id,
            Activity.deleted_at.is_(None),
            Category.guidance.is_(True),
            _between(Activity.activity_date, term),
        )
        .order_by(Activity.activity_date, Activity.id)
    ).all()
    if not sessions:
        return []
    ids = [s.id for s in sessions]
    listed: dict[int, set[int]] = {}
    for activity_id, listed_class in session.execute(
        select(ActivityClass.activity_id, ActivityClass.class_id).where(ActivityClass.activity_id.in_(ids))
    ):
        listed.setdefault(activity_id, set()).add(listed_class)
    children: dict[int, list] = {}
    for info in lk.students.values():
        if info.family_id is not None:
            children.setdefault(info.family_id, []).append(info)
    signed: dict[int, list[tuple[int, str]]] = {}
    for activity_id, family_id, name in session.execute(
        select(ActivityAttendance.activity_id, Guardian.family_id, Guardian.name)
        .join(Guardian, Guardian.id == ActivityAttendance.guardian_id)
        .where(ActivityAttendance.activity_id.in_(ids))
        .order_by(ActivityAttendance.id)
    ):
        signed.setdefault(activity_id, []).append((family_id, name))
    out = []
    for s in sessions:
        rows = []
        for family_id, name in signed.get(s.id, []):
            for info in children.get(family_id, []):
                in_class = lk.class_of(info, s.activity_date)
                if in_class is None or (s.scope != "school" and in_class not in listed.get(s.id, set())):
                    continue
                if lk.own_classes is not None and in_class not in lk.own_classes:
                    continue
                rows.append((lk.class_names[in_class], info.no, info.name, name))
        for class_name, no, student, guardian in sorted(rows):
            out.append([_day(s.activity_date), s.title, class_name, no, student, guardian, "√"])
    return out


def _moral_rows(session: Session, lk: Lookup, term: Term | None):
    m = MoralScore
    stmt = (
        select(Term.name, Student.student_no, Student.name, MoralDimension.name, MoralRater.name, m.score)
        .join(Term, Term.id == m.term_id)
        .join(Student, Student.id == m.student_id)
        .join(MoralDimension, MoralDimension.id == m.dimension_id)
        .join(MoralRater, MoralRater.id == m.rater_id)
        .where(m.school_id == lk.school_id, _classes(lk, m.class_id))
        .order_by(Term.start_date, Student.student_no, MoralRater.sort_order, MoralDimension.sort_order)
    )
    if term is not None:
        stmt = stmt.where(m.term_id == term.id)
    return session.execute(stmt).all()


def _moral_long(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    return [list(r) for r in _moral_rows(session, lk, term)]


def _moral_wide(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    grouped: dict[tuple, dict[str, float]] = {}
    for term_name, no, name, dimension, rater, score in _moral_rows(session, lk, term):
        grouped.setdefault((term_name, no, name, rater), {})[dimension] = score
    return [[*key, *(scores.get(d) for d in lk.dimension_names)] for key, scores in grouped.items()]


def _satisfaction(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    m = SatisfactionResult
    stmt = (
        select(Term.name, m.class_id, m.respondents, m.satisfied, m.note)
        .join(Term, Term.id == m.term_id)
        .where(m.school_id == lk.school_id)
        .order_by(Term.start_date, m.class_id.is_not(None), m.class_id)
    )
    if term is not None:
        stmt = stmt.where(m.term_id == term.id)
    if lk.own_classes is not None:
        stmt = stmt.where(m.class_id.in_(sorted(lk.own_classes)))
    return [[t, lk.class_names.get(c, "") if c else "", r, s, n] for t, c, r, s, n in session.execute(stmt)]


def _year_of(session: Session, lk: Lookup, term: Term | None) -> SchoolYear | None:
    if term is not None:
        return session.get(SchoolYear, term.school_year_id)
    year = next((y for y in lk.years if y.start <= lk.today <= y.end), None)
    return session.get(SchoolYear, year.id) if year else None


def _students_export(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    year = _year_of(session, lk, term)
    if year is None:
        return []
    stmt = (
        select(Student, SchoolClass.name, Enrolment.start_date, Family.code)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .outerjoin(Family, Family.id == Student.family_id)
        .where(SchoolClass.school_year_id == year.id, Student.school_id == lk.school_id)
        .order_by(Enrolment.start_date, SchoolClass.grade_level, SchoolClass.class_no, Student.student_no)
    )
    return [
        [
            year.name,
            class_name,
            s.student_no,
            s.name,
            s.gender,
            _day(s.birth_date),
            _day(start) if start != year.start_date else "",
            family or "",
            YES_NO[bool(s.left_behind)],
            YES_NO[bool(s.single_parent)],
            YES_NO[bool(s.hardship)],
        ]
        for s, class_name, start, family in session.execute(stmt)
    ]


def _guardians_export(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    """Guardians of the families with a child in the school year, each listed with the family's lowest 学号."""
    year = _year_of(session, lk, term)
    if year is None:
        return []
    children: dict[int | None, str] = {}
    for family_id, no in session.execute(
        select(Student.family_id, Student.student_no)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(SchoolClass.school_year_id == year.id, Student.family_id.is_not(None))
        .order_by(Student.student_no.desc())
    ):
        children[family_id] = no
    rows = session.scalars(
        select(Guardian)
        .where(Guardian.school_id == lk.school_id, Guardian.family_id.in_(list(children)))
        .order_by(Guardian.family_id, Guardian.id)
    )
    return [
        [children[g.family_id], "", g.name, g.relation, g.phone, YES_NO[bool(g.is_primary)], g.work_unit] for g in rows
    ]


def _staff_export(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    year = _year_of(session, lk, term)
    assignments: dict[int, list[tuple[str, str, str]]] = {}
    if year is not None:
        for staff_id, class_name, role, subject in session.execute(
            select(ClassAssignment.staff_id, SchoolClass.name, ClassAssignment.role, ClassAssignment.subject)
            .join(SchoolClass, SchoolClass.id == ClassAssignment.class_id)
            .where(SchoolClass.school_year_id == year.id)
            .order_by(SchoolClass.grade_level, SchoolClass.class_no, ClassAssignment.role)
        ):
            assignments.setdefault(staff_id, []).append((class_name, _word(ASSIGNMENT_WORDS, role), subject))
    out = []
    for s in session.scalars(select(Staff).where(Staff.school_id == lk.school_id).order_by(Staff.staff_no)):
        head = [s.staff_no, s.name, s.gender, s.phone, s.title]
        for class_name, role, subject in assignments.get(s.id) or [("", "", "")]:
            out.append([*head, year.name if class_name and year is not None else "", class_name, role, subject])
    return out


def _partners(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    """Every partner of the school (a term changes nothing: partners are not records of a term)."""
    types = _categories(session, lk.school_id)
    return [
        [p.name, types.get(p.type_id, "") if p.type_id else "", p.contact_person, p.phone, _day(p.agreement_date),
         p.services, YES_NO[bool(p.active)]]
        for p in session.scalars(select(Partner).where(Partner.school_id == lk.school_id).order_by(Partner.name))
    ]  # fmt: skip


def _committee(session: Session, lk: Lookup, term: Term | None) -> list[list]:
    """The 家委会 of the term's school year (else today's), 校级 first, each member with the lowest 学号 of their
    children in the class (校级: in the school that year)."""
    year = _year_of(session, lk, term)
    if year is None:
        return []
    children: dict[tuple[int, int], str] = {}  # (family, class id or 0 for any class) -> lowest 学号
    for family_id, class_id, no in session.execute(
        select(Student.family_id, Enrolment.class_id, Student.student_no)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(SchoolClass.school_year_id == year.id, Student.family_id.is_not(None))
        .order_by(Student.student_no.desc())
    ):
        if family_id is not None:
            children[(family_id, class_id)] = children[(family_id, 0)] = no
    order = {class_id: i for i, (_grade_class, class_id) in enumerate(sorted(lk.classes.items()))}
    members = list(
        session.execute(
            select(CommitteeMember.class_id, CommitteeMember.position, Guardian.name, Guardian.family_id)
            .join(Guardian, Guardian.id == CommitteeMember.guardian_id)
            .where(CommitteeMember.school_id == lk.school_id, CommitteeMember.school_year_id == year.id)
        )
    )
    members.sort(key=lambda m: (order.get(m.class_id, -1), COMMITTEE_POSITIONS.index(m.position), m.name))
    return [
        [year.name, lk.class_names[m.class_id] if m.class_id else "校级",
         children.get((m.family_id, m.class_id or 0), ""), "", m.name, m.position]
        for m in members
    ]  # fmt: skip


EXPORTERS = {
    "students": _students_export,
    "guardians": _guardians_export,
    "staff": _staff_export,
    "partners": _partners,
    "committee": _committee,
    "communications": _communications,
    "requests": _requests,
    "volunteering": _volunteering,
    "activities": _activities,
    "guidance_attendance": _guidance_attendance,
    "moral_long": _moral_long,
    "moral_wide": _moral_wide,
    "satisfaction": _satisfaction,
}
