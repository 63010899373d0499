"""One student's story: who they are, their classes, every record about them and their family, 德育 by term.

``student_story`` is the one place that gathers it. Two readers: the family's .docx (hxgy.privacy.family) writes
all of it, and the 学生档案 page shows it through hxgy.privacy.story_access.open_story, which keeps to the user's
rights (names, flags, individual scores) and masks the phones.

What belongs to the story: the student's own record and flags; the family and its guardians; the classes (every
enrolment, across school years); the communication records *about this student* (a class-wide record, such as a
notice to the class group, is about no family and is left out, as coverage leaves it out); every request of the
family (about the student, or from one of its guardians); every volunteer record of its guardians; every 德育
score, and per term and class the weighted dimension scores, total and level as hxgy.metrics.moral defines them.
Withdrawn (soft-deleted) records are kept, marked ``withdrawn``: the family's file lists everything stored.
Lists are oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from hxgy import glossary
from hxgy.metrics import moral
from hxgy.metrics.roster import ClassFilter, enrolment_last_day
from hxgy.models import (
    Activity,
    ActivityAttendance,
    Category,
    CommitteeMember,
    Communication,
    Enrolment,
    Family,
    MoralDimension,
    MoralRater,
    MoralScore,
    ParentRequest,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
    VolunteerRecord,
)
from hxgy.privacy.people import StudentStatus, guardians_of, student_status

FLAG_LABELS = ("留守儿童", "单亲家庭", "困难家庭")


class NotThisSchool(LookupError):
    """The student id is not a student of the school."""


@dataclass(frozen=True)
class Flags:
    """The sensitive flags (留守儿童, 单亲家庭, 困难家庭)."""

    left_behind: bool
    single_parent: bool
    hardship: bool

    def labels(self) -> list[str]:
        """The flags that are set, in Chinese."""
        values = (self.left_behind, self.single_parent, self.hardship)
        return [label for label, on in zip(FLAG_LABELS, values, strict=True) if on]


@dataclass(frozen=True)
class GuardianInfo:
    """A guardian of the family (``phone`` as stored, or masked for a screen)."""

    id: int
    name: str
    relation: str
    phone: str
    work_unit: str
    is_primary: bool


@dataclass(frozen=True)
class ClassStay:
    """An enrolment: the class, its school year, the first and the last day in it."""

    class_id: int
    class_name: str
    school_year: str
    start: date
    last_day: date  # the enrolment's own end, or its school year's last day


@dataclass(frozen=True)
class Contact:
    """A communication record about the student."""

    id: int
    day: date
    class_id: int
    class_name: str
    channel: str
    direction: str  # 学校→家庭 / 家庭→学校
    topic: str
    duration_min: int | None
    staff: str
    summary: str
    follow_up: bool
    withdrawn: bool


@dataclass(frozen=True)
class Request:
    """A request of the family: about the student, or from one of its guardians."""

    id: int
    received_at: datetime
    class_id: int | None
    class_name: str
    channel: str
    category: str
    guardian: str
    content: str
    replied_at: datetime | None
    reply: str
    withdrawn: bool


@dataclass(frozen=True)
class VolunteerHours:
    """A volunteer record of one of the family's guardians."""

    id: int
    day: date
    guardian: str
    class_id: int
    class_name: str
    activity: str
    hours: float
    confirmed: bool
    note: str
    withdrawn: bool


@dataclass(frozen=True)
class Rating:
    """One stored 德育 score: a term, the class scored in, a dimension, a rater."""

    term_id: int
    term: str
    class_id: int
    class_name: str
    dimension: str
    rater: str
    score: float


@dataclass(frozen=True)
class DimensionScore:
    """A dimension of a term: the weighted mean of the raters present, and their scores."""

    dimension: str
    score: float
    ratings: tuple[tuple[str, float], ...]  # (rater, score) in the scheme's order


@dataclass(frozen=True)
class TermScores:
    """A term's 德育 evaluation of the student in one class (hxgy.metrics.moral: the school's current scheme)."""

    term_id: int
    term: str
    class_id: int
    class_name: str
    dimensions: tuple[DimensionScore, ...]
    total: float  # the mean of the dimension scores
    level: str
    raters: tuple[str, ...]  # the raters who scored in this term, in the scheme's order


@dataclass(frozen=True)
class Attendance:
    """A guardian of the family signed in at an activity (a 家长学校 session)."""

    day: date
    guardian: str
    activity: str
    withdrawn: bool  # the activity was withdrawn (soft-deleted)


@dataclass(frozen=True)
class CommitteeSeat:
    """A guardian of the family on a 家委会."""

    school_year: str
    committee: str  # a class's name, or 校级家委会
    guardian: str
    position: str


@dataclass(frozen=True)
class Story:
    """Everything stored about one student and their family (lists oldest first)."""

    status: StudentStatus
    gender: str
    birth_date: date | None
    entry_year: int
    flags: Flags | None  # None: not for this reader
    family_code: str
    address: str
    guardians: tuple[GuardianInfo, ...]
    classes: tuple[ClassStay, ...]
    contacts: tuple[Contact, ...]
    requests: tuple[Request, ...]
    volunteering: tuple[VolunteerHours, ...]
    ratings: tuple[Rating, ...]
    terms: tuple[TermScores, ...]
    attendance: tuple[Attendance, ...] = ()
    committee: tuple[CommitteeSeat, ...] = ()
    hidden_terms: int = 0  # terms of 德育 scores left out for this reader

    def class_on(self, day: date) -> ClassStay | None:
        """The class the student is in on ``day`` (None: in none)."""
        return next((c for c in reversed(self.classes) if c.start <= day <= c.last_day), None)

    @property
    def confirmed_hours(self) -> float:
        """The family's confirmed volunteer hours (withdrawn records not counted)."""
        return sum(v.hours for v in self.volunteering if v.confirmed and not v.withdrawn)


def _names(session: Session, model: type[Category] | type[MoralDimension] | type[MoralRater], ids: set[int]) -> dict:
    if not ids:
        return {}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def student_story(session: Session, school_id: int, student_id: int) -> Story:
    """Everything stored about the student and their family. Raises NotThisSchool for another school's student."""
    status = student_status(session, school_id, student_id)
    if status is None:
        raise NotThisSchool(f"学生 {student_id} 不是本校学生")
    student = session.get_one(Student, student_id)
    family = session.get(Family, student.family_id) if student.family_id is not None else None
    guardians = tuple(
        GuardianInfo(g.id, g.name, g.relation or "", g.phone or "", g.work_unit or "", bool(g.is_primary))
        for g in guardians_of(session, student)
    )
    ratings = _ratings(session, student_id)
    return Story(
        status=status,
        gender=student.gender or "",
        birth_date=student.birth_date,
        entry_year=student.entry_year,
        flags=Flags(bool(student.left_behind), bool(student.single_parent), bool(student.hardship)),
        family_code=family.code if family else "",
        address=(family.address or "") if family else "",
        guardians=guardians,
        classes=_classes(session, student_id),
        contacts=_contacts(session, school_id, student_id),
        requests=_requests(session, school_id, student_id, guardians),
        volunteering=_volunteering(session, school_id, guardians),
        ratings=ratings,
        terms=_terms(session, school_id, student_id, ratings),
        attendance=_attendance(session, school_id, guardians),
        committee=_committee(session, school_id, guardians),
    )


def _attendance(session: Session, school_id: int, guardians: tuple[GuardianInfo, ...]) -> tuple[Attendance, ...]:
    if not guardians:
        return ()
    names = {g.id: g.name for g in guardians}
    rows = session.execute(
        select(Activity.activity_date, ActivityAttendance.guardian_id, Activity.title, Activity.deleted_at)
        .join(Activity, Activity.id == ActivityAttendance.activity_id)
        .where(ActivityAttendance.school_id == school_id, ActivityAttendance.guardian_id.in_(list(names)))
        .order_by(Activity.activity_date, Activity.id)
    ).all()
    return tuple(Attendance(day, names[g], title, deleted is not None) for day, g, title, deleted in rows)


def _committee(session: Session, school_id: int, guardians: tuple[GuardianInfo, ...]) -> tuple[CommitteeSeat, ...]:
    if not guardians:
        return ()
    names = {g.id: g.name for g in guardians}
    rows = session.execute(
        select(SchoolYear.name, SchoolClass.name, CommitteeMember.guardian_id, CommitteeMember.position)
        .join(SchoolYear, SchoolYear.id == CommitteeMember.school_year_id)
        .outerjoin(SchoolClass, SchoolClass.id == CommitteeMember.class_id)
        .where(CommitteeMember.school_id == school_id, CommitteeMember.guardian_id.in_(list(names)))
        .order_by(SchoolYear.start_year, CommitteeMember.id)
    ).all()
    return tuple(CommitteeSeat(year, cls or "校级家委会", names[g], pos) for year, cls, g, pos in rows)


def _classes(session: Session, student_id: int) -> tuple[ClassStay, ...]:
    rows = session.execute(
        select(SchoolClass.id, SchoolClass.name, SchoolYear.name, Enrolment.start_date, enrolment_last_day())
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(Enrolment.student_id == student_id)
        .order_by(Enrolment.start_date, Enrolment.id)
    ).all()
    return tuple(ClassStay(*row) for row in rows)


def _contacts(session: Session, school_id: int, student_id: int) -> tuple[Contact, ...]:
    rows = session.execute(
        select(Communication, SchoolClass.name, Staff.name)
        .join(SchoolClass, SchoolClass.id == Communication.class_id)
        .outerjoin(Staff, Staff.id == Communication.staff_id)
        .where(Communication.school_id == school_id, Communication.student_id == student_id)
        .order_by(Communication.contact_date, Communication.id)
    ).all()
    names = _names(
        session,
        Category,
        {c.channel_id for c, _, _ in rows} | {c.topic_id for c, _, _ in rows if c.topic_id is not None},
    )
    return tuple(
        Contact(
            id=c.id,
            day=c.contact_date,
            class_id=c.class_id,
            class_name=class_name,
            channel=names.get(c.channel_id, ""),
            direction=glossary.DIRECTION_LABELS.get(c.direction, c.direction),
            topic=names.get(c.topic_id, "") if c.topic_id is not None else "",
            duration_min=c.duration_min,
            staff=staff or "",
            summary=c.summary or "",
            follow_up=bool(c.follow_up),
            withdrawn=c.deleted_at is not None,
        )
        for c, class_name, staff in rows
    )


def _requests(
    session: Session, school_id: int, student_id: int, guardians: tuple[GuardianInfo, ...]
) -> tuple[Request, ...]:
    request_class = aliased(SchoolClass)
    conditions = [ParentRequest.student_id == student_id]
    if guardians:
        conditions.append(ParentRequest.guardian_id.in_([g.id for g in guardians]))
    rows = session.execute(
        select(ParentRequest, request_class.name)
        .outerjoin(request_class, request_class.id == ParentRequest.class_id)
        .where(ParentRequest.school_id == school_id, or_(*conditions))
        .order_by(ParentRequest.received_at, ParentRequest.id)
    ).all()
    names = _names(
        session,
        Category,
        {r.channel_id for r, _ in rows} | {r.category_id for r, _ in rows if r.category_id is not None},
    )
    guardian_names = {g.id: g.name for g in guardians}
    return tuple(
        Request(
            id=r.id,
            received_at=r.received_at,
            class_id=r.class_id,
            class_name=class_name or "",
            channel=names.get(r.channel_id, ""),
            category=names.get(r.category_id, "") if r.category_id is not None else "",
            guardian=guardian_names.get(r.guardian_id, "") if r.guardian_id is not None else "",
            content=r.content or "",
            replied_at=r.replied_at,
            reply=r.reply or "",
            withdrawn=r.deleted_at is not None,
        )
        for r, class_name in rows
    )


def _volunteering(session: Session, school_id: int, guardians: tuple[GuardianInfo, ...]) -> tuple[VolunteerHours, ...]:
    if not guardians:
        return ()
    rows = session.execute(
        select(VolunteerRecord, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == VolunteerRecord.class_id)
        .where(VolunteerRecord.school_id == school_id, VolunteerRecord.guardian_id.in_([g.id for g in guardians]))
        .order_by(VolunteerRecord.service_date, VolunteerRecord.id)
    ).all()
    activities = _names(session, Category, {v.activity_id for v, _ in rows})
    guardian_names = {g.id: g.name for g in guardians}
    return tuple(
        VolunteerHours(
            id=v.id,
            day=v.service_date,
            guardian=guardian_names.get(v.guardian_id, ""),
            class_id=v.class_id,
            class_name=class_name,
            activity=activities.get(v.activity_id, ""),
            hours=float(v.hours),
            confirmed=v.confirmed_at is not None,
            note=v.note or "",
            withdrawn=v.deleted_at is not None,
        )
        for v, class_name in rows
    )


def _ratings(session: Session, student_id: int) -> tuple[Rating, ...]:
    rows = session.execute(
        select(
            MoralScore.term_id,
            Term.name,
            MoralScore.class_id,
            SchoolClass.name,
            MoralScore.dimension_id,
            MoralScore.rater_id,
            MoralScore.score,
        )
        .join(Term, Term.id == MoralScore.term_id)
        .join(SchoolClass, SchoolClass.id == MoralScore.class_id)
        .where(MoralScore.student_id == student_id)
        .order_by(Term.start_date, MoralScore.dimension_id, MoralScore.rater_id)
    ).all()
    dimensions = _names(session, MoralDimension, {r[4] for r in rows})
    raters = _names(session, MoralRater, {r[5] for r in rows})
    return tuple(
        Rating(term_id, term, class_id, class_name, dimensions.get(dim, ""), raters.get(rater, ""), float(score))
        for term_id, term, class_id, class_name, dim, rater, score in rows
    )


def _terms(session: Session, school_id: int, student_id: int, ratings: tuple[Rating, ...]) -> tuple[TermScores, ...]:
    """Per term and class scored in: the dimension scores, total and level, computed by hxgy.metrics.moral's SQL."""
    scheme = moral.moral_scheme(session, school_id=school_id)
    if not scheme.dimensions or not scheme.raters:
        return ()
    dimension_names = {d_id: name for d_id, _, name in scheme.dimensions}
    rater_order = [name for _, _, name, _ in scheme.raters]
    out = []
    scored = dict.fromkeys((r.term_id, r.term, r.class_id, r.class_name) for r in ratings)
    for term_id, term, class_id, class_name in scored:
        classes = ClassFilter(school_id, class_ids=(class_id,))
        # the module's own definitions: weighted mean of the raters present, mean of the dimensions, level
        dims = moral._dimension_scores(scheme, term_id, classes)
        totals = moral._totals(scheme, term_id, classes)
        per_dimension: dict[int, float] = dict(
            session.execute(select(dims.c.dimension_id, dims.c.dim_score).where(dims.c.student_id == student_id)).all()
        )
        found = session.execute(
            select(totals.c.total, moral._level_of(totals.c.total, scheme)).where(totals.c.student_id == student_id)
        ).first()
        if found is None:  # scored only by raters or on dimensions no longer in use
            continue
        here = [r for r in ratings if (r.term_id, r.class_id) == (term_id, class_id) and r.rater in rater_order]
        dimensions = tuple(
            DimensionScore(
                name,
                float(per_dimension[d_id]),
                tuple(
                    sorted(
                        ((r.rater, r.score) for r in here if r.dimension == name),
                        key=lambda pair: rater_order.index(pair[0]),
                    )
                ),
            )
            for d_id, name in dimension_names.items()
            if d_id in per_dimension
        )
        raters = tuple(r for r in rater_order if any(x.rater == r for x in here))
        out.append(TermScores(term_id, term, class_id, class_name, dimensions, float(found[0]), str(found[1]), raters))
    return tuple(out)
