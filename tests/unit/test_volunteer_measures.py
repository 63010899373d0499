"""Volunteer figures count confirmed records only; unconfirmed ones are shown apart (待确认 N 条).

测试小学, 2025-2026学年第一学期 = 2025-09-01 … 2026-01-20.
一(1)班 (head 王老师): A B C and Dd (D's younger sibling: same family as D);  一(2)班: D.
Students in term 1: 一(1) 4, 一(2) 1, school 5.

Volunteer records (✓ confirmed, ✗ not yet):
  r1 一(1) A妈妈 2.0 h 护学岗 2025-09-10 ✓      r2 一(1) A妈妈 1.0 h 陪餐 2025-09-11 ✓
  r3 一(1) B妈妈 1.5 h 护学岗 2025-10-10 ✗      r4 一(1) D妈妈 3.0 h 活动协助 2025-11-03 ✓ (for Dd)
  r5 一(2) D妈妈 2.0 h 护学岗 2025-11-04 ✓      r6 一(2) D妈妈 4.0 h 护学岗 2025-11-05 ✗
  ignored everywhere: r7 一(1) C妈妈 0.5 h ✗ deleted;  r8 一(1) C妈妈 5.0 h ✗ on 2026-01-21 (after the term)

By hand, confirmed records only:
  一(1): r1 r2 r4 → 人次 3, hours 6.0, families {A, D} = 2 → participation 2/4 = 0.5, hours per family 1.5;
         待确认 1 (r3)
  一(2): r5 → 人次 1, hours 2.0, families {D} = 1 → participation 1/1 = 1.0;  待确认 1 (r6)
  school: 人次 4, hours 8.0, families per class added up 2 + 1 = 3 户 (D's family counted in both classes),
          distinct families {A, D} = 2, participation 3/5 = 0.6, 待确认 2
  (the old definition counted r3 and r6: 人次 6, families 3 + 1 = 4, participation 4/5)
  trend: week of 2025-09-08: r1 r2 → 2 人次, 3.0 h;  week of 2025-11-03: r4 r5 → 2 人次, 5.0 h;
         no week of 2025-10-06 (r3 alone, unconfirmed)
  mix: 护学岗 r1 r5 → 2 人次, 4.0 h;  陪餐 r2 → 1, 1.0 h;  活动协助 r4 → 1, 3.0 h
  ranking: 1. D妈妈 2 人次 5.0 h;  2. A妈妈 2 人次 3.0 h;  B妈妈 (only unconfirmed) not ranked

Then 王老师 confirms r3 through the entry code: 一(1) 人次 4, hours 7.5, families {A, B, D} = 3 → 3/4;
  school 人次 5, families 4 → 4/5, distinct 3, 待确认 1; B妈妈 ranks third with 1.5 h;
  the stored class_term_stats and the district table follow at once.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hxgy.entry import records
from hxgy.metrics import overview, stats, volunteers
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ClassTermStats, VolunteerRecord
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 12)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2)
    for name in ("A", "B", "C"):
        s.add_student(name, "一(1)班")
    s.add_student("D", "一(2)班")
    s.add_student("Dd", "一(1)班").family_id = s.students["D"].family_id
    session.flush()
    s.volunteer("一(1)班", "A", date(2025, 9, 10), 2.0)
    s.volunteer("一(1)班", "A", date(2025, 9, 11), 1.0, activity="lunch_duty")
    s.volunteer("一(1)班", "B", date(2025, 10, 10), 1.5, confirmed=False)
    s.volunteer("一(1)班", "D", date(2025, 11, 3), 3.0, activity="event_help")
    s.volunteer("一(2)班", "D", date(2025, 11, 4), 2.0)
    s.volunteer("一(2)班", "D", date(2025, 11, 5), 4.0, confirmed=False)
    s.volunteer("一(1)班", "C", date(2025, 10, 1), 0.5, confirmed=False).deleted_at = datetime(2025, 10, 2)
    s.volunteer("一(1)班", "C", date(2026, 1, 21), 5.0, confirmed=False)
    session.commit()
    stats.refresh_school(session, school_id=s.school.id, today=TODAY, now=NOW)
    session.commit()
    yield s
    session.close()


def _whole(s: TinySchool) -> ClassFilter:
    return ClassFilter(s.school.id)


def _classes(s: TinySchool) -> dict[str, dict]:
    frame = overview.class_measures(s.session, term_period(s.term1, TODAY), _whole(s), now=NOW)
    return frame.set_index("class_name").to_dict("index")


def test_per_class_figures_count_confirmed_records_only(school: TinySchool) -> None:
    one, two = (_classes(school)[name] for name in ("一(1)班", "一(2)班"))
    assert (one["volunteer_records"], one["volunteer_hours"], one["volunteer_families"]) == (3, 6.0, 2)
    assert one["volunteer_participation"] == pytest.approx(0.5) and one["hours_per_family"] == pytest.approx(1.5)
    assert (two["volunteer_records"], two["volunteer_hours"], two["volunteer_families"]) == (1, 2.0, 1)
    assert two["volunteer_participation"] == pytest.approx(1.0)


def test_school_figures_and_the_waiting_records(school: TinySchool) -> None:
    period = term_period(school.term1, TODAY)
    figures = overview.school_figures(school.session, period, _whole(school), now=NOW)
    assert (figures["volunteer_records"], figures["volunteer_hours"], figures["volunteer_families"]) == (4, 8.0, 3)
    assert figures["volunteer_participation"] == pytest.approx(0.6)
    assert volunteers.unique_families(school.session, period, _whole(school)) == 2
    assert volunteers.unconfirmed_records(school.session, period, _whole(school)) == 2
    only_two = ClassFilter(school.school.id, class_ids=(school.classes["一(2)班"].id,))
    assert volunteers.unconfirmed_records(school.session, period, only_two) == 1
    assert volunteers.unique_families(school.session, period, only_two) == 1


def test_trend_mix_and_ranking_count_confirmed_records_only(school: TinySchool) -> None:
    period = term_period(school.term1, TODAY)
    trend = volunteers.hours_by_week(school.session, period, _whole(school))
    assert [(str(w)[:10], n, h) for w, n, h in trend.itertuples(index=False)] == [
        ("2025-09-08", 2, 3.0),
        ("2025-11-03", 2, 5.0),
    ]
    mix = volunteers.activity_mix(school.session, period, _whole(school)).set_index("activity_code")
    assert mix.loc["gate_duty", ["volunteer_records", "volunteer_hours"]].tolist() == [2, 4.0]
    assert mix.loc["lunch_duty", ["volunteer_records", "volunteer_hours"]].tolist() == [1, 1.0]
    assert mix.loc["event_help", ["volunteer_records", "volunteer_hours"]].tolist() == [1, 3.0]
    ranking = volunteers.volunteer_ranking(school.session, period, _whole(school))
    assert ranking[["rank", "guardian_name", "volunteer_records", "volunteer_hours"]].values.tolist() == [
        [1, "D妈妈", 2, 5.0],
        [2, "A妈妈", 2, 3.0],
    ]


def test_the_district_table_reads_the_same_definition(school: TinySchool) -> None:
    period = term_period(school.term1, TODAY)
    table = stats.district_school_table(school.session, district="测试区", terms={school.school.id: period}, now=NOW)
    row = table.iloc[0]
    assert (row["volunteer_records"], row["volunteer_hours"], row["volunteer_families"]) == (4, 8.0, 3)
    assert row["volunteer_participation"] == pytest.approx(0.6)
    classes = stats.district_class_table(school.session, terms={school.school.id: period})
    one = classes.set_index("class_name").loc["一(1)班"]
    assert (one["volunteer_records"], one["volunteer_families"]) == (3, 2)


def test_confirming_a_record_moves_every_figure_and_the_stored_stats(school: TinySchool) -> None:
    head = school.user("head_teacher", "王老师")
    school.session.commit()
    r3 = school.session.scalar(
        select(VolunteerRecord.id).where(VolunteerRecord.guardian_id == school.guardians["B"].id)
    )
    assert records.confirm_volunteering(school.session, head, [r3], today=TODAY) == 1
    school.session.commit()
    period = term_period(school.term1, TODAY)
    one = _classes(school)["一(1)班"]
    assert (one["volunteer_records"], one["volunteer_hours"], one["volunteer_families"]) == (4, 7.5, 3)
    assert one["volunteer_participation"] == pytest.approx(0.75)
    figures = overview.school_figures(school.session, period, _whole(school), now=NOW)
    assert (figures["volunteer_records"], figures["volunteer_families"]) == (5, 4)
    assert figures["volunteer_participation"] == pytest.approx(0.8)
    assert volunteers.unique_families(school.session, period, _whole(school)) == 3
    assert volunteers.unconfirmed_records(school.session, period, _whole(school)) == 1
    ranking = volunteers.volunteer_ranking(school.session, period, _whole(school))
    assert ranking[["guardian_name", "volunteer_records", "volunteer_hours"]].values.tolist()[-1] == ["B妈妈", 1, 1.5]
    stored = school.session.scalar(
        select(ClassTermStats).where(
            ClassTermStats.term_id == school.term1.id, ClassTermStats.class_id == school.classes["一(1)班"].id
        )
    )
    assert (stored.volunteer_records, stored.volunteer_hours, stored.volunteer_families) == (4, 7.5, 3)
    table = stats.district_school_table(school.session, district="测试区", terms={school.school.id: period}, now=NOW)
    assert table.iloc[0]["volunteer_participation"] == pytest.approx(0.8)


def test_the_migration_recounts_stored_stats_by_the_new_definition(school: TinySchool) -> None:
    """Migration 0007 rewrites old rows (counted every record: 一(1) 4 人次, 3 families) to 3 and 2."""
    path = Path(__file__).resolve().parents[2] / "db" / "versions" / "20261130_0007_volunteer_counts_confirmed_only.py"
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    def stored() -> dict[tuple[int, str], tuple[int, int]]:
        names = {c.id: name for name, c in school.classes.items()}
        rows = school.session.execute(
            select(
                ClassTermStats.term_id,
                ClassTermStats.class_id,
                ClassTermStats.volunteer_records,
                ClassTermStats.volunteer_families,
            )
        )
        return {(t, names[c]): (n, f) for t, c, n, f in rows}

    refreshed = stored()
    term1 = school.term1.id
    assert refreshed[(term1, "一(1)班")] == (3, 2) and refreshed[(term1, "一(2)班")] == (1, 1)
    school.session.execute(update(ClassTermStats).values(volunteer_records=99, volunteer_families=99))
    with Operations.context(MigrationContext.configure(school.session.connection())):
        migration.downgrade()
        assert stored()[(term1, "一(1)班")] == (4, 3)  # r3 counted, as before the definition changed
        migration.upgrade()
    assert stored() == refreshed
