"""Every figure of a term report, gathered from the same functions the dashboards use.

``gather`` reads once and returns a ``ReportFigures``: the per-class table
(``overview.class_measures``), the school's (or grade's) figures
(``overview.school_figures``), the same for the comparison term and the same
children (``overview.baseline``), targets and
statuses, and the detail tables of each measure. Nothing here reads a student's
or a guardian's name.

A report is a shared document: the per-class and per-grade tables it keeps have
every figure of a small group blanked (NaN), and of every part that would let one be
worked out by subtraction, by the rule of ``hxgy.metrics.small_groups`` (the one the
meeting slides use, worked out over the whole school); ``hiding`` says which, so the
text can write 不显示 instead of 暂无数据. A view of 1–4 students, or a grade whose
student figures the whole school's rule hides, gets no report at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import compliance
from hxgy.glossary import grade_name
from hxgy.metrics import (
    activities,
    communication,
    community,
    judging,
    moral,
    overview,
    small_groups,
    special_groups,
    trends,
    volunteers,
)
from hxgy.metrics.judging import FigureCard
from hxgy.metrics.measures import CLASS_STATUS_MEASURES, MEASURES
from hxgy.metrics.parent_school import ParentSchoolSummary
from hxgy.metrics.parent_school import summary as guidance_summary
from hxgy.metrics.partners import partners_by_type, practice_bases_used
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Guardian, School, Student, Term
from hxgy.queries import report_parts
from hxgy.terms import Period, same_term_last_year, term_period


class ReportError(LookupError):
    """A report that cannot be made (unknown school, term or grade); the message says why, in Chinese."""


@dataclass
class ReportFigures:
    """What a term report is written from: one term of one school, optionally one grade."""

    school_name: str
    term_name: str
    period: Period
    grade_level: int | None
    drafted_on: date
    response_limit_hours: int
    classes: pd.DataFrame  # overview.class_measures, one row per class, hidden figures blanked (see ``hiding``)
    figures: overview.Figures  # overview.school_figures of the classes in view
    compared: Period | None  # the comparison period (previous term, or its 同期), None without one
    before: overview.Figures | None  # school_figures of the comparison period, same children
    before_classes: pd.DataFrame | None  # class_measures of the comparison period, same children
    goals: dict[str, float]  # judging.targets (rates as fractions)
    cards: dict[str, FigureCard]  # judging.figure_cards of every measure, by key
    statuses: pd.DataFrame  # judging.class_status: class × measure with target and status
    grades: pd.DataFrame  # overview.by_grade, hidden figures blanked
    channels: pd.DataFrame  # communication.channel_mix
    late: pd.DataFrame  # communication.late_requests (no names)
    volunteer_mix: pd.DataFrame  # volunteers.activity_mix
    unique_families: int  # volunteers.unique_families
    scheme: moral.MoralScheme
    levels: pd.DataFrame  # moral.level_distribution: class_id, level, students
    dimensions: pd.DataFrame  # moral.dimension_averages: class_id, dimension_id, average
    participation: dict[str, int | None]  # activities.participation_totals
    activity_list: pd.DataFrame  # activities.activity_list
    activity_months: pd.DataFrame  # activities.activities_by_type_month
    partners: pd.DataFrame  # activities.partner_summary
    changes: dict[str, pd.DataFrame] = field(default_factory=dict)  # overview.class_changes by measure
    completion_min: float = judging.DEFAULT_COMPLETION_MIN  # below it 德育 rates show 评价未完成
    holiday: dict[str, int] = field(default_factory=dict)  # communication.holiday_contacts
    unconfirmed: int = 0  # volunteers.unconfirmed_records: 待确认, not counted
    baseline: overview.Baseline | None = None  # the classes the comparison covers
    hiding: small_groups.Hiding | None = None  # which class, grade and whole-view figures are not shown
    evaluated: dict[int, float] = field(default_factory=dict)  # class_id → students evaluated (weights only)
    # what data the dashboards do not show, and the dean's own parts (docs/report.md "Beyond the measures")
    texts: dict[str, str] = field(default_factory=dict)  # queries.report_parts.report_texts: part → the dean's text
    honours: pd.DataFrame | None = None  # queries.report_parts.honours (names of students never printed)
    topics: pd.DataFrame | None = None  # communication.contacts_by_topic
    notices: community.NoticeSummary | None = None  # community.notices (the whole school's)
    committee: community.CommitteeCounts | None = None  # community.committee_counts of the school year
    guidance: ParentSchoolSummary | None = None  # parent_school.summary: 家长学校 per family
    partner_types: list[tuple[str, int]] = field(default_factory=list)  # partners.partners_by_type
    bases_used: int | None = None  # partners.practice_bases_used
    year_before: overview.Figures | None = None  # 同比: trends.year_on_year's figures (same term last year)
    visited_families: int | None = None  # communication.visited_families: 户 with a 家访
    # the whole school's report only (a grade's: empty / None): 工作要求 and 重点关爱学生, counts, no names
    rules: list[compliance.Result] = field(default_factory=list)  # compliance.school_results
    care: special_groups.SpecialGroups | None = None  # special_groups.special_groups (groups under 5 hidden)
    honours_before: pd.DataFrame | None = None  # queries.report_parts.honours of the same term last year
    request_kinds: pd.DataFrame | None = None  # communication.requests_by_category

    def hidden(self, key: str) -> bool:
        """The view's own figure ``key`` rests on a small group and is not shown."""
        return self.hiding is not None and self.hiding.total_hidden(key)

    def class_hidden(self, key: str) -> pd.Series:
        """Per class of ``classes``: its figure ``key`` is not shown."""
        if self.hiding is None:
            return pd.Series(False, index=self.classes.index)
        return self.hiding.class_hidden(key).set_axis(self.classes.index)

    @property
    def shown_classes(self) -> pd.DataFrame:
        """The classes that are shown at all (the others are left out of every per-class table and chart)."""
        if self.hiding is None:
            return self.classes
        return self.classes[~self.hiding.left_out.to_numpy()]

    @property
    def scope_name(self) -> str:
        """全校, or the grade's name."""
        return grade_name(self.grade_level) if self.grade_level else "全校"

    @property
    def finished(self) -> bool:
        """The term has ended: its figures are final."""
        return not self.period.in_progress


def find_school(session: Session, code: str | None) -> School:
    """The school with this code, or the first school when no code is given."""
    stmt = select(School).where(School.code == code) if code else select(School).order_by(School.id).limit(1)
    school = session.scalar(stmt)
    if school is None:
        raise ReportError(f"没有代码为 {code} 的学校" if code else "数据库中还没有学校")
    return school


def find_term(session: Session, school_id: int, name: str) -> Term:
    """The school's term of this name (e.g. 2025-2026学年第二学期)."""
    term = session.scalar(select(Term).where(Term.school_id == school_id, Term.name == name))
    if term is None:
        known = session.scalars(select(Term.name).where(Term.school_id == school_id).order_by(Term.start_date)).all()
        raise ReportError(f"没有名为“{name}”的学期（已有：{'、'.join(known) or '无'}）")
    return term


def default_term(session: Session, school_id: int, today: date) -> Term | None:
    """The term a report is usually for: the latest finished term, else the one running (else None)."""
    terms = session.scalars(select(Term).where(Term.school_id == school_id).order_by(Term.start_date)).all()
    finished = [t for t in terms if t.end_date < today]
    if finished:
        return finished[-1]
    started = [t for t in terms if t.start_date <= today]
    return started[-1] if started else (terms[0] if terms else None)


NAME_HIDDEN = "（标题含个人姓名，已隐去）"


def _people(session: Session, school_id: int) -> set[str]:
    """The school's student and guardian names (read only to keep them out of the report)."""
    students = session.scalars(select(Student.name).where(Student.school_id == school_id))
    guardians = session.scalars(select(Guardian.name).where(Guardian.school_id == school_id))
    return {name for name in [*students, *guardians] if name and len(name) >= 2}


def without_names(listing: pd.DataFrame, names: set[str]) -> pd.DataFrame:
    """Activity titles are free text: one that holds a student's or parent's name is replaced by its type."""
    if listing.empty or not names:
        return listing
    titles = [
        f"{kind}{NAME_HIDDEN}" if any(name in str(title) for name in names) else title
        for title, kind in zip(listing["title"], listing["type_name"], strict=True)
    ]
    return listing.assign(title=titles)


def _class_changes(now: pd.DataFrame, before: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    return {key: overview.class_changes(now, before, key) for key in CLASS_STATUS_MEASURES}


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: a school's term (optionally one grade), drafted on ``today`` with data up to ``now``."""

    school_id: int
    term_id: int
    today: date
    now: datetime
    grade_level: int | None = None


def gather(session: Session, scope: ReportScope) -> ReportFigures:
    """Read every figure of the report for a term (a term still running ends ``today``)."""
    school_id, term_id, grade_level = scope.school_id, scope.term_id, scope.grade_level
    today, now = scope.today, scope.now
    school = session.get(School, school_id)
    term = session.get(Term, term_id)
    if school is None or term is None or term.school_id != school_id:
        raise ReportError("学校或学期不存在")
    period = term_period(term, today)
    classes = ClassFilter(school_id, grade_level, None)
    frame = overview.class_measures(session, period, classes, now=now)
    if grade_level is not None and frame.empty:
        raise ReportError(f"{term.name}没有{grade_name(grade_level)}的班级")
    figures = overview.school_figures(session, period, classes, now=now, frame=frame)
    scope_name = grade_name(grade_level) if grade_level else "全校"
    if small_groups.small(figures["students"]):
        raise ReportError(
            f"{term.name}{scope_name}只有 {int(figures['students'])} 名学生，不足 {small_groups.MIN_GROUP} 人："
            "为保护学生隐私，不生成报告"
        )
    hiding = small_groups.for_view(session, period, classes, frame=frame, figures=figures, now=now)
    if hiding.total_hidden("students"):  # its counts with the other grades' would give a small grade away
        raise ReportError(
            f"{term.name}{scope_name}的数字与其他年级的数字合起来，可推算出不足 {small_groups.MIN_GROUP} 名学生的"
            f"年级或班级：为保护学生隐私，不单独生成{scope_name}报告，请生成全校报告"
        )
    shown = hiding.mask(frame)
    basis = overview.baseline(session, period, classes)
    compared = basis.period if basis else None
    before = before_classes = None
    if basis is not None:
        before_classes = overview.class_measures(session, basis.period, basis.classes, now=now)
        before = overview.school_figures(session, basis.period, basis.classes, now=now, frame=before_classes)
    goals = judging.targets(session, term_id=term.id)
    minimum = judging.completion_min(session, school_id=school_id)
    cards = {
        c.key: c for c in judging.figure_cards(figures, before, goals, period, tuple(MEASURES), completion_min=minimum)
    }
    scheme = moral.moral_scheme(session, school_id=school_id)
    empty_levels = pd.DataFrame(columns=["class_id", "level", "students"])
    empty_dims = pd.DataFrame(columns=["class_id", "dimension_id", "average"])
    return ReportFigures(
        school_name=school.name,
        term_name=term.name,
        period=period,
        grade_level=grade_level,
        drafted_on=today,
        response_limit_hours=school.response_limit_hours,
        classes=shown,
        figures=figures,
        compared=compared,
        before=before,
        before_classes=before_classes,
        goals=goals,
        cards=cards,
        statuses=judging.class_status(shown, goals, period, completion_min=minimum),
        grades=hiding.mask_grades(overview.by_grade(frame, period)) if not frame.empty else pd.DataFrame(),
        channels=communication.channel_mix(session, period, classes),
        late=communication.late_requests(session, period, classes, now=now),
        volunteer_mix=volunteers.activity_mix(session, period, classes),
        unique_families=volunteers.unique_families(session, period, classes),
        holiday=communication.holiday_contacts(session, period, classes),
        unconfirmed=volunteers.unconfirmed_records(session, period, classes),
        scheme=scheme,
        levels=moral.level_distribution(session, scheme, term.id, classes) if scheme.levels else empty_levels,
        dimensions=moral.dimension_averages(session, scheme, term.id, classes) if scheme.dimensions else empty_dims,
        participation=activities.participation_totals(session, period, classes),
        activity_list=without_names(activities.activity_list(session, period, classes), _people(session, school_id)),
        activity_months=activities.activities_by_type_month(session, period, classes),
        partners=activities.partner_summary(session, period, classes),
        changes=_class_changes(shown, before_classes),
        completion_min=minimum,
        baseline=basis,
        hiding=hiding,
        evaluated={int(c): float(n) for c, n in zip(frame["class_id"], frame["moral_evaluated"], strict=True)},
        texts=report_parts.report_texts(session, school_id, term.id),
        honours=report_parts.honours(session, school_id, term.id),
        topics=communication.contacts_by_topic(session, period, classes),
        notices=community.notices(session, period, school_id),
        committee=community.committee_counts(session, period.school_year_id, classes),
        guidance=guidance_summary(session, period, classes),
        partner_types=partners_by_type(session, school_id, period.end),
        bases_used=practice_bases_used(session, period, classes),
        year_before=_year_before(session, period, classes, now),
        visited_families=communication.visited_families(session, period, classes),
        rules=compliance.school_results(session, school_id, period, now) if grade_level is None else [],
        care=special_groups.special_groups(session, period, classes) if grade_level is None else None,
        honours_before=_honours_last_year(session, school_id, term.id),
        request_kinds=communication.requests_by_category(session, period, classes),
    )


def _honours_last_year(session: Session, school_id: int, term_id: int) -> pd.DataFrame | None:
    """The honours of the same term last year (去年同期), None without that term."""
    before = same_term_last_year(session, term_id=term_id)
    return report_parts.honours(session, school_id, before.id) if before is not None else None


def _year_before(session: Session, period: Period, classes: ClassFilter, now: datetime) -> overview.Figures | None:
    """The figures of the same term last year for the same children (同比), None without one."""
    found = trends.year_on_year(session, period, classes, now)
    return found[1] if found is not None else None
