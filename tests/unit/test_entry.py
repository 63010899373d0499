"""Writes: who may write, validation, no doubles, the audit log, and figures moving as computed by hand.

测试小学, term 1 = 2025-09-01 … 2026-01-20; "today" is 2025-12-01 unless a test says otherwise.
一(1)班 (head 王老师): A B C;  一(2)班 (head 李老师): D E.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.entry import moral_grid, records
from hxgy.entry.records import ActivityEntry, ContactEntry, RequestEntry, VolunteerEntry
from hxgy.entry.rules import InvalidEntry, LikelyDuplicate, WriteRefused
from hxgy.metrics import overview, stats
from hxgy.metrics.moral import moral_scheme
from hxgy.metrics.roster import ClassFilter
from hxgy.models import (
    Activity,
    AuditLog,
    ClassTermStats,
    Communication,
    MoralRater,
    MoralScore,
    ParentRequest,
    SatisfactionResult,
    VolunteerRecord,
)
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)
NOW = datetime(2025, 12, 1, 12)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    for name in "ABC":
        s.add_student(name, "一(1)班")
    for name in "DE":
        s.add_student(name, "一(2)班")
    session.commit()
    yield s
    session.close()  # an open transaction would block the next test's TRUNCATE on PostgreSQL


def _user(s: TinySchool, role: str, staff: str | None = None, teaches: str | None = None):
    """An account, committed (a refused write rolls back whatever the transaction held)."""
    account = s.user(role, staff, teaches)
    s.session.commit()
    return account


def _class_figures(s: TinySchool, class_name: str) -> dict:
    frame = overview.class_measures(s.session, term_period(s.term1, TODAY), ClassFilter(s.school.id), now=NOW)
    return frame.set_index("class_name").loc[class_name].to_dict()


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _visit(s: TinySchool, student: str, class_name: str = "一(1)班", day: date = date(2025, 11, 30)) -> ContactEntry:
    return ContactEntry(
        class_id=s.classes[class_name].id,
        contact_date=day,
        channel_id=s.category("channel", "home_visit"),
        student_id=s.students[student].id,
        summary="了解学习情况",
    )


def test_a_home_visit_raises_coverage_and_is_in_the_log_and_the_stats(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    assert _class_figures(school, "一(1)班")["home_visit_coverage"] == 0
    saved = records.log_contact(school.session, head, _visit(school, "A"), today=TODAY, submission_key="k1")
    school.session.commit()
    assert saved.created
    figures = _class_figures(school, "一(1)班")
    assert figures["visited_students"] == 1 and figures["home_visit_coverage"] == pytest.approx(1 / 3)
    stored = school.session.scalar(
        select(ClassTermStats.visited_students).where(ClassTermStats.class_id == school.classes["一(1)班"].id)
    )
    assert stored == 1  # class_term_stats brought up to date in the same transaction
    log = school.session.scalars(select(AuditLog).where(AuditLog.action == "create")).all()
    assert [(e.entity, e.entity_id, e.username) for e in log] == [("communication", saved.id, head.username)]
    assert json.loads(log[0].after)["summary"] == "了解学习情况"


def test_the_same_submission_twice_saves_one_record(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    first = records.log_contact(school.session, head, _visit(school, "A"), today=TODAY, submission_key="same")
    again = records.log_contact(school.session, head, _visit(school, "A"), today=TODAY, submission_key="same")
    school.session.commit()
    assert first.created and not again.created and first.id == again.id
    assert _count(school.session, Communication) == 1


def test_a_likely_duplicate_asks_before_saving(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    records.log_contact(school.session, head, _visit(school, "A"), today=TODAY, submission_key="one")
    with pytest.raises(LikelyDuplicate, match="确定要再记一条"):
        records.log_contact(school.session, head, _visit(school, "A"), today=TODAY, submission_key="two")
    records.log_contact(
        school.session, head, _visit(school, "A"), today=TODAY, submission_key="two", confirm_duplicate=True
    )
    school.session.commit()
    assert _count(school.session, Communication) == 2


def test_a_head_teacher_cannot_write_for_another_class_and_the_refusal_is_logged(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    with pytest.raises(WriteRefused, match="一\\(2\\)班不是您任教的班级"):
        records.log_contact(school.session, head, _visit(school, "D", "一(2)班"), today=TODAY)
    with pytest.raises(WriteRefused):
        records.record_volunteering(
            school.session,
            head,
            VolunteerEntry(
                class_id=school.classes["一(2)班"].id,
                guardian_id=school.guardians["D"].id,
                activity_id=school.category("volunteer_activity", "gate_duty"),
                service_date=date(2025, 11, 3),
                hours=2,
            ),
            today=TODAY,
        )
    meeting = _user(school, "meeting")
    with pytest.raises(WriteRefused):
        records.log_contact(school.session, meeting, _visit(school, "A"), today=TODAY)
    school.session.rollback()
    assert _count(school.session, Communication) == 0 and _count(school.session, VolunteerRecord) == 0
    denied = school.session.scalars(select(AuditLog.username).where(AuditLog.action == "denied")).all()
    assert sorted(denied) == sorted([head.username, head.username, meeting.username])


def test_a_subject_teacher_writes_for_the_classes_taught(school: TinySchool) -> None:
    teacher = _user(school, "teacher", "赵老师", teaches="一(2)班")
    records.log_contact(school.session, teacher, _visit(school, "D", "一(2)班"), today=TODAY)
    with pytest.raises(WriteRefused):
        records.log_contact(school.session, teacher, _visit(school, "A"), today=TODAY)


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"contact_date": date(2025, 12, 2)}, "沟通日期", "晚于今天"),
        ({"contact_date": date(2025, 8, 20)}, "沟通日期", "早于本校第一个学期"),
        ({"contact_date": None}, "沟通日期", "必须填写"),
        ({"channel_id": None}, "沟通方式", "必须选择"),
        ({"student_id": "D"}, "学生", "不在所选班级"),
        ({"duration_min": 0}, "时长", "1 到 600 分钟"),
        ({"direction": "sideways"}, "方向", "学校→家庭"),
        ({"summary": "长" * 2001}, "简要记录", "2000"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_written(school: TinySchool, change, field, reason) -> None:
    head = _user(school, "head_teacher", "王老师")
    entry = _visit(school, "A")
    for name, value in change.items():
        setattr(entry, name, school.students[value].id if name == "student_id" else value)
    with pytest.raises(InvalidEntry) as caught:
        records.log_contact(school.session, head, entry, today=TODAY)
    assert caught.value.problems[0].field == field and reason in caught.value.problems[0].message
    school.session.rollback()
    assert _count(school.session, Communication) == 0


def test_text_is_stored_exactly_as_typed(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    hostile = "<script>alert('x')</script>'; DROP TABLE communication; --"
    entry = _visit(school, "A")
    entry.summary = hostile
    saved = records.log_contact(school.session, head, entry, today=TODAY)
    school.session.commit()
    assert school.session.get(Communication, saved.id).summary == hostile
    assert _count(school.session, Communication) == 1


def test_volunteer_hours_are_checked_and_count_once_confirmed(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    teacher = _user(school, "teacher", "赵老师", teaches="一(1)班")

    def entry(hours: float | None, student: str = "A") -> VolunteerEntry:
        return VolunteerEntry(
            class_id=school.classes["一(1)班"].id,
            guardian_id=school.guardians[student].id,
            activity_id=school.category("volunteer_activity", "gate_duty"),
            service_date=date(2025, 11, 3),
            hours=hours,
            confirmed=True,
        )

    for hours, reason in ((0, "大于 0"), (12.5, "不超过 12"), (None, "必须填写")):
        with pytest.raises(InvalidEntry, match=reason):
            records.record_volunteering(school.session, head, entry(hours), today=TODAY)
    with pytest.raises(InvalidEntry, match="孩子在这一天不在所选班级"):
        records.record_volunteering(school.session, head, entry(1, student="D"), today=TODAY)
    by_head = records.record_volunteering(school.session, head, entry(2.5), today=TODAY)
    by_teacher = records.record_volunteering(school.session, teacher, entry(1.5, student="B"), today=TODAY)
    school.session.commit()
    # the subject teacher's record waits for the head teacher: 2.5 h count, 1.5 h do not yet
    assert _class_figures(school, "一(1)班")["volunteer_hours"] == 2.5
    with pytest.raises(WriteRefused):
        records.confirm_volunteering(school.session, teacher, [by_teacher.id], today=TODAY)
    assert records.confirm_volunteering(school.session, head, [by_teacher.id, by_head.id], today=TODAY) == 1
    school.session.commit()
    assert _class_figures(school, "一(1)班")["volunteer_hours"] == 4.0


def test_an_activity_with_attendance_moves_the_activity_figures(school: TinySchool) -> None:
    dean = _user(school, "dean", "德育主任")
    entry = ActivityEntry(
        title="一年级家长会",
        type_id=school.category("activity_type", "parent_meeting"),
        activity_date=date(2025, 11, 20),
        scope="grade",
        class_ids=[school.classes["一(1)班"].id, school.classes["一(2)班"].id],
        parents_count=4,
        parents_attended={school.classes["一(1)班"].id: 3, school.classes["一(2)班"].id: 1},
    )
    records.record_activity(school.session, dean, entry, today=TODAY, submission_key="meeting")
    school.session.commit()
    one, two = _class_figures(school, "一(1)班"), _class_figures(school, "一(2)班")
    assert (one["class_activities"], one["parent_attendance"]) == (1, pytest.approx(3 / 3))
    assert two["parent_attendance"] == pytest.approx(1 / 2)
    with pytest.raises(InvalidEntry, match="同一天已登记过同名活动"):
        records.record_activity(school.session, dean, entry, today=TODAY, submission_key="again")
    head = _user(school, "head_teacher", "王老师")
    with pytest.raises(WriteRefused):
        records.record_activity(school.session, head, entry, today=TODAY)


def test_requests_and_replies(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    entry = RequestEntry(
        received_at=datetime(2025, 11, 28, 9),
        channel_id=school.category("request_channel", "mailbox"),
        content="希望增加课后服务",
        class_id=school.classes["一(1)班"].id,
    )
    saved = records.record_request(school.session, head, entry, today=TODAY, submission_key="r1")
    with pytest.raises(InvalidEntry, match="不能早于收到时间"):
        records.reply_to_request(
            school.session, head, saved.id, reply="已安排", replied_at=datetime(2025, 11, 27), today=TODAY
        )
    records.reply_to_request(
        school.session, head, saved.id, reply="已安排", replied_at=datetime(2025, 11, 29, 9), today=TODAY
    )
    school.session.commit()
    request = school.session.get(ParentRequest, saved.id)
    assert request.reply == "已安排" and request.replied_at == datetime(2025, 11, 29, 9)
    with pytest.raises(WriteRefused):  # school-wide requests are for the school's leaders
        records.record_request(school.session, head, RequestEntry(**{**entry.__dict__, "class_id": None}), today=TODAY)


def test_soft_delete_leaves_the_figures_and_keeps_the_record(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    saved = records.log_contact(school.session, head, _visit(school, "A"), today=TODAY)
    school.session.commit()
    other = _user(school, "head_teacher", "李老师")
    with pytest.raises(WriteRefused):
        records.delete_record(school.session, other, "communication", saved.id, today=TODAY)
    records.delete_record(school.session, head, "communication", saved.id, today=TODAY)
    school.session.commit()
    assert _class_figures(school, "一(1)班")["visited_students"] == 0
    assert school.session.get(Communication, saved.id).deleted_at is not None
    entry = school.session.scalar(select(AuditLog).where(AuditLog.action == "delete"))
    assert json.loads(entry.before)["deleted_at"] is None and json.loads(entry.after)["deleted_at"]


def test_correcting_a_contact_moves_it_between_days_and_is_logged(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    saved = records.log_contact(school.session, head, _visit(school, "A"), today=TODAY)
    changed = _visit(school, "B", day=date(2025, 11, 2))
    records.update_contact(school.session, head, saved.id, changed, today=TODAY)
    school.session.commit()
    record = school.session.get(Communication, saved.id)
    assert (record.student_id, record.contact_date) == (school.students["B"].id, date(2025, 11, 2))
    entry = school.session.scalar(select(AuditLog).where(AuditLog.action == "update"))
    assert json.loads(entry.before)["contact_date"] == "2025-11-30"


def test_satisfaction_entered_then_corrected(school: TinySchool) -> None:
    dean = _user(school, "dean", "德育主任")
    kwargs = {"term_id": school.term1.id, "class_id": school.classes["一(1)班"].id, "today": TODAY}
    with pytest.raises(InvalidEntry, match="不能多于答卷人数"):
        records.save_satisfaction(school.session, dean, respondents=3, satisfied=4, **kwargs)
    records.save_satisfaction(school.session, dean, respondents=3, satisfied=2, **kwargs)
    records.save_satisfaction(school.session, dean, respondents=3, satisfied=3, **kwargs)
    school.session.commit()
    assert _count(school.session, SatisfactionResult) == 1
    assert _class_figures(school, "一(1)班")["satisfaction"] == 1.0


def test_a_moral_grid_changes_the_good_rate_as_computed_by_hand(school: TinySchool) -> None:
    """Default weights teacher 0.5, parent 0.3, self 0.2; 良好 from 80 counts as good.

    Teacher scores only: A 90 on every dimension → 90 (good); B 70 → 70; C not scored.
    一(1)班: evaluated 2, good 1 → 50 %. Then B's scores become 85 → good 2 → 100 %.
    """
    head = _user(school, "head_teacher", "王老师")
    session = school.session
    scheme = moral_scheme(session, school_id=school.school.id)
    teacher = session.scalar(select(MoralRater.id).where(MoralRater.code == "teacher"))
    one = school.classes["一(1)班"].id
    grid = moral_grid.grid_for(session, class_id=one, term_id=school.term1.id, rater_id=teacher)
    assert grid["姓名"].tolist() == ["A", "B", "C"] and grid.iloc[:, 3:].isna().all().all()
    edited = grid.copy()
    names = {name: d_id for d_id, _code, name in scheme.dimensions}
    for name in names:
        edited.loc[edited["姓名"] == "A", name] = 90
        edited.loc[edited["姓名"] == "B", name] = 70
    cells = moral_grid.changed_cells(grid, edited, names)
    assert len(cells) == 2 * len(names)
    result = moral_grid.save_grid(
        session, head, class_id=one, term_id=school.term1.id, rater_id=teacher, scores=cells, today=TODAY
    )
    session.commit()
    assert result == moral_grid.GridChange(added=2 * len(names), changed=0, cleared=0)
    figures = _class_figures(school, "一(1)班")
    assert (figures["moral_evaluated"], figures["moral_good"]) == (2, 1)
    grid = moral_grid.grid_for(session, class_id=one, term_id=school.term1.id, rater_id=teacher)
    edited = grid.copy()
    first = next(iter(names))
    for name in names:
        edited.loc[edited["姓名"] == "B", name] = 85
    edited.loc[edited["姓名"] == "A", first] = None
    cells = moral_grid.changed_cells(grid, edited, names)
    result = moral_grid.save_grid(
        session, head, class_id=one, term_id=school.term1.id, rater_id=teacher, scores=cells, today=TODAY
    )
    session.commit()
    assert result == moral_grid.GridChange(added=0, changed=len(names), cleared=1)
    assert _class_figures(school, "一(1)班")["moral_good_rate"] == 1.0
    audited = session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.entity == "moral_score"))
    assert audited == 2 * len(names) + len(names) + 1


def test_a_wrong_score_anywhere_in_the_grid_writes_nothing(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    session = school.session
    scheme = moral_scheme(session, school_id=school.school.id)
    teacher = session.scalar(select(MoralRater.id).where(MoralRater.code == "teacher"))
    dims = [d_id for d_id, _c, _n in scheme.dimensions]
    cells = {(school.students["A"].id, d): 90.0 for d in dims}
    cells[(school.students["B"].id, dims[0])] = 101.0
    cells[(school.students["D"].id, dims[0])] = 80.0  # D is in 一(2)班
    with pytest.raises(InvalidEntry) as caught:
        moral_grid.save_grid(
            session,
            head,
            class_id=school.classes["一(1)班"].id,
            term_id=school.term1.id,
            rater_id=teacher,
            scores=cells,
            today=TODAY,
        )
    message = str(caught.value)
    assert "B（S0002）的分数 101 应在 0 到 100 之间" in message and "D（S0004）不在一(1)班" in message
    session.rollback()
    assert _count(session, MoralScore) == 0


THREADS, PER_THREAD = 16, 100


@pytest.mark.first
@pytest.mark.timeout(1200)  # 3,200 transactions on a deliberately loaded machine
def test_many_writers_at_once_lose_and_double_nothing(school: TinySchool, engine, cpu_load) -> None:
    """16 threads × 200 writes: 100 contacts each, every one sent twice with the same key: 1,600 records exactly.

    The machine is kept busy by CPU-burning processes meanwhile (``cpu_load``): on a loaded machine a writer
    used to wait past SQLite's busy timeout and lose its entry. The writes go through ``db.run_write``, the
    app's write path, which queues SQLite writers and runs a write again after lock contention.
    """
    head = _user(school, "head_teacher", "王老师")
    school.session.commit()
    ids = {n: school.students[n].id for n in "ABC"}
    class_id, channel = school.classes["一(1)班"].id, school.category("channel", "phone")
    failures: list[BaseException] = []

    def writer(thread: int) -> None:
        try:
            for i in range(PER_THREAD):
                entry = ContactEntry(
                    class_id=class_id,
                    contact_date=date(2025, 9, 1 + (thread * PER_THREAD + i) % 28),
                    channel_id=channel,
                    student_id=ids["ABC"[i % 3]],
                    summary=f"{thread}-{i}",
                )
                for _attempt in range(2):
                    db.run_write(
                        lambda session, entry=entry, key=f"t{thread}-{i}": records.log_contact(
                            session, head, entry, today=TODAY, submission_key=key, confirm_duplicate=True
                        ),
                        engine,
                    )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert cpu_load() >= 2  # the burners were still running at the end
    with Session(engine) as session:
        expected = THREADS * PER_THREAD
        assert _count(session, Communication) == expected
        summaries = session.scalars(select(Communication.summary)).all()
        assert len(set(summaries)) == expected
        assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "create")) == expected
        stored = session.scalar(select(ClassTermStats.contacts).where(ClassTermStats.class_id == class_id))
        assert stored == expected


def test_activity_rows_are_not_half_written(school: TinySchool) -> None:
    dean = _user(school, "dean", "德育主任")
    entry = ActivityEntry(
        title="亲子运动会",
        type_id=school.category("activity_type", "parent_child"),
        activity_date=date(2025, 11, 20),
        scope="class",
        class_ids=[school.classes["一(1)班"].id],
        parents_attended={school.classes["一(2)班"].id: 2},
    )
    with pytest.raises(InvalidEntry, match="不在参与班级中"):
        records.record_activity(school.session, dean, entry, today=TODAY)
    school.session.rollback()
    assert _count(school.session, Activity) == 0


def test_partial_refreshes_keep_the_stats_equal_to_a_full_recount(school: TinySchool) -> None:
    """Contacts and volunteer hours refresh only their columns; the row must equal refresh_term's."""
    head = _user(school, "head_teacher", "王老师")
    records.log_contact(school.session, head, _visit(school, "A"), today=TODAY)
    records.log_contact(school.session, head, _visit(school, "B", day=date(2025, 10, 9)), today=TODAY)
    saved = records.record_volunteering(
        school.session,
        head,
        VolunteerEntry(
            class_id=school.classes["一(1)班"].id,
            guardian_id=school.guardians["C"].id,
            activity_id=school.category("volunteer_activity", "gate_duty"),
            service_date=date(2025, 11, 3),
            hours=1.5,
        ),
        today=TODAY,
    )
    records.confirm_volunteering(school.session, head, [saved.id], today=TODAY)
    records.delete_record(school.session, head, "communication", 1, today=TODAY)
    school.session.commit()

    def stored() -> list[tuple]:
        rows = school.session.scalars(select(ClassTermStats).order_by(ClassTermStats.class_id)).all()
        return [tuple(getattr(r, c) for c in stats.STATS_COLUMNS) for r in rows]

    partial = stored()
    stats.refresh_term(school.session, school_id=school.school.id, term_id=school.term1.id, today=TODAY, now=NOW)
    school.session.commit()
    assert partial == stored()
    one = dict(zip(stats.STATS_COLUMNS, partial[0], strict=True))
    assert (one["contacts"], one["visited_students"], one["volunteer_hours"]) == (1, 1, 1.5)


def test_an_audit_entry_without_before_or_after_describes_no_change() -> None:
    """pandas reads a missing before/after as NaN next to entries that have one (the audit page must not fail).

    The 操作日志 page's describer (an older copy of it in queries.entry, used by nothing, was removed).
    """
    from hxgy.queries.audit import describe_change

    assert describe_change("volunteer_record", "update", float("nan"), float("nan")) == ""
    assert describe_change("volunteer_record", "create", None, '{"hours": 2}') == "时长：2 小时"


def test_a_change_gives_the_data_a_new_version_and_a_view_does_not(school: TinySchool) -> None:
    """Every app process compares this version on each run and drops its cached figures when it moved."""
    from hxgy.changes import current_version

    head = _user(school, "head_teacher", "王老师")
    start = current_version(school.session)
    records.log_contact(school.session, head, _visit(school, "A"), today=TODAY)
    school.session.commit()
    after_write = current_version(school.session)
    assert after_write != start
    moral_grid.open_grid(
        school.session, head, class_id=school.classes["一(1)班"].id, term_id=school.term1.id,
        rater_id=school.session.scalar(select(MoralRater.id).limit(1)),
    )  # fmt: skip
    school.session.commit()
    assert current_version(school.session) == after_write
