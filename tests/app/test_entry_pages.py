"""The entry pages, run as the app runs them, writing to a private copy of the demo school."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hxgy import config, db, formats, rights, terms
from hxgy.metrics import communication, overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import (
    Activity,
    AuditLog,
    Category,
    Communication,
    MoralScore,
    School,
    SchoolClass,
    UserAccount,
)
from tests.app.conftest import all_text
from tests.conftest import DEMO_ANCHOR


def _head_teacher_class(url: str) -> tuple[int, str, list[tuple[int, str]], int]:
    """The demo head teacher's class: id, name, the students not visited yet this term, the 家访 channel id."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        user = session.scalar(select(UserAccount).where(UserAccount.username == "headteacher"))
        class_id = rights.my_class_ids(session, staff_id=user.staff_id, on_day=DEMO_ANCHOR, head_only=True)[0]
        school_class = session.get(SchoolClass, class_id)
        term = terms.current_term(session, school_id=user.school_id, today=DEMO_ANCHOR)
        period = terms.term_period(term, DEMO_ANCHOR)
        missing = communication.students_not_reached(
            session, period, ClassFilter(user.school_id, class_ids=(class_id,)), home_visit=True
        )
        visit = session.scalar(
            select(Category.id).where(
                Category.school_id == user.school_id, Category.kind == "channel", Category.code == "home_visit"
            )
        )
    engine.dispose()
    pairs = list(zip(missing["student_id"].astype(int), missing["student_name"], strict=True))
    return class_id, school_class.name, pairs, visit


def _home_visit_coverage(url: str, class_id: int) -> tuple[float, float]:
    """(visited students, home-visit coverage) of one class this term."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        figures = overview.school_figures(
            session,
            terms.term_period(term, DEMO_ANCHOR),
            ClassFilter(school.id, class_ids=(class_id,)),
            now=config.now(),
        )
    engine.dispose()
    return figures["visited_students"], figures["home_visit_coverage"]


def test_a_head_teacher_logs_a_home_visit_and_the_overview_rises(make_app, demo_copy_url) -> None:
    class_id, class_name, not_visited, visit = _head_teacher_class(demo_copy_url)
    assert not_visited, "the demo leaves some families of the class unvisited"
    student_id, student_name = not_visited[0]
    visited_before, coverage_before = _home_visit_coverage(demo_copy_url, class_id)

    at = make_app(demo_copy_url, "headteacher")
    at.run()
    at.switch_page("pages/log_contact.py")
    at.run()
    assert at.selectbox(key="contact-class").options == [class_name], "only the head teacher's own class"
    at.selectbox(key="contact-student").set_value(student_id)
    at.radio(key="contact-channel").set_value(visit)
    at.button[0].click()  # the form's 保存
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "已保存" in all_text(at)
    assert at.selectbox(key="contact-student").value is None, "the form is ready for the next family"
    assert at.radio(key="contact-channel").value == visit, "the channel stays for a round of visits"

    engine = db.create_db_engine(demo_copy_url)
    with Session(engine) as session:
        saved = session.scalar(
            select(func.count())
            .select_from(Communication)
            .where(
                Communication.student_id == student_id,
                Communication.channel_id == visit,
                Communication.contact_date == DEMO_ANCHOR,
            )
        )
    engine.dispose()
    assert saved == 1
    visited_after, coverage_after = _home_visit_coverage(demo_copy_url, class_id)
    assert visited_after == visited_before + 1 and coverage_after > coverage_before

    at.switch_page("pages/overview.py")
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["家访覆盖率"] == formats.percent(coverage_after), "the head teacher's overview shows it at once"
    assert student_name in all_text(at.switch_page("pages/log_contact.py").run()), "listed under 我最近的记录"


def test_the_moral_grid_saves_in_one_go_and_the_audit_page_shows_it(make_app, demo_copy_url) -> None:
    # other tests open 德育评分 on the shared demo this copy was made from: the copy starts with none of those views
    engine = db.create_db_engine(demo_copy_url)
    with db.write_session(engine) as session:
        session.execute(delete(AuditLog).where(AuditLog.action == "view", AuditLog.entity == "moral_score"))
    engine.dispose()
    at = make_app(demo_copy_url, "headteacher")
    at.run()
    at.switch_page("pages/moral_entry.py")
    at.run()
    assert not at.exception
    class_id, term_id = at.selectbox(key="moral-class").value, at.selectbox[1].value
    editor_key = f"moral-grid-{class_id}-{term_id}-{at.selectbox(key='moral-rater').value}"
    grid = at.dataframe[0]  # AppTest lists a data_editor with the dataframes
    first_dimension = next(c for c in grid.value.columns if c not in ("student_id", "学号", "姓名"))
    at.session_state[editor_key] = {
        "edited_rows": {0: {first_dimension: 42.0}, 1: {first_dimension: 43.5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="moral-save").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert "已保存" in all_text(at)
    engine = db.create_db_engine(demo_copy_url)
    with Session(engine) as session:
        scores = session.scalars(select(MoralScore.score).where(MoralScore.score.in_([42.0, 43.5]))).all()
    engine.dispose()
    assert sorted(scores) == [42.0, 43.5]

    dean = make_app(demo_copy_url, "dean")
    dean.run()
    dean.switch_page("pages/audit.py")
    dean.run()
    assert not dean.exception
    log = dean.dataframe[0].value
    assert (log["对象"] == "德育评分").sum() >= 2 and "headteacher" in set(log["用户"])
    viewed = log[(log["对象"] == "德育评分") & (log["操作"] == "查看")]
    assert viewed["用户"].tolist() == ["headteacher"], "opening a class's individual scores is logged, once a session"


def test_a_dean_enters_an_activity_and_sees_it_on_the_activities_page(make_app, demo_copy_url) -> None:
    at = make_app(demo_copy_url, "dean")
    at.run()
    at.switch_page("pages/activity_entry.py")
    at.run()
    at.text_input(key="activity-title").input("冬季亲子运动会")
    at.radio(key="activity-scope").set_value("class")
    at.run()
    engine = db.create_db_engine(demo_copy_url)
    with Session(engine) as session:
        first_class = session.scalar(
            select(SchoolClass.id)
            .join(School, School.id == SchoolClass.school_id)
            .where(School.code == "DH001")
            .order_by(SchoolClass.school_year_id.desc(), SchoolClass.grade_level, SchoolClass.class_no)
        )
    engine.dispose()
    at.multiselect(key="activity-classes-class").set_value([first_class])  # values, as the page reads them
    at.number_input(key="activity-parents").set_value(30)
    at.run()
    at.button(key="activity-save").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    engine = db.create_db_engine(demo_copy_url)
    with Session(engine) as session:
        assert session.scalar(select(Activity.parents_count).where(Activity.title == "冬季亲子运动会")) == 30
    engine.dispose()
    at.switch_page("pages/activities.py")
    at.run()
    assert "冬季亲子运动会" in all_text(at)


def test_wrong_input_is_named_in_chinese_and_nothing_is_saved(make_app, demo_copy_url) -> None:
    at = make_app(demo_copy_url, "dean")
    at.run()
    at.switch_page("pages/satisfaction_entry.py")
    at.run()
    at.number_input(key="satisfaction-n").set_value(10)
    at.number_input(key="satisfaction-ok").set_value(12)
    at.button[0].click()
    at.run()
    assert "满意人数" in at.error[0].value and "不能多于答卷人数" in at.error[0].value


def _school_good_rate(url: str) -> float:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        figures = overview.school_figures(
            session, terms.term_period(term, DEMO_ANCHOR), ClassFilter(school.id), now=config.now()
        )
    engine.dispose()
    return figures["moral_good_rate"]


def test_a_dean_raises_a_threshold_and_the_good_rate_follows(make_app, demo_copy_url) -> None:
    before = _school_good_rate(demo_copy_url)
    at = make_app(demo_copy_url, "dean")
    at.run()
    at.switch_page("pages/settings.py")
    at.run()
    assert not at.exception and not at.error
    good = next(n for n in at.number_input if n.label.startswith("良好"))
    good.set_value(95.0)
    at.button(key="FormSubmitter:moral-scheme-保存德育设置").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    after = _school_good_rate(demo_copy_url)
    assert after < before, "fewer students reach 良好 at 95"
    at.switch_page("pages/overview.py")
    at.run()
    assert {m.label: m.value for m in at.metric}["德育优良率"] == formats.percent(after)


def test_a_head_teacher_corrects_then_deletes_a_record_of_own_class(make_app, demo_copy_url) -> None:
    at = make_app(demo_copy_url, "headteacher")
    at.run()
    at.switch_page("pages/records.py")
    at.run()
    assert not at.exception and not at.error
    listed = at.dataframe[0].value
    class_name = _head_teacher_class(demo_copy_url)[1]
    assert set(listed["班级"]) == {class_name}, "only the head teacher's own class"
    record_id = at.selectbox(key="records-pick").value
    at.text_area[0].input("<b>改正后的记录</b>'; DROP TABLE communication; --")
    at.button(key="FormSubmitter:edit-contact-保存修改").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    at.selectbox(key="records-pick").set_value(record_id)
    at.run()
    at.button(key="records-delete").click()
    at.run()
    engine = db.create_db_engine(demo_copy_url)
    with Session(engine) as session:
        record = session.get(Communication, record_id)
        actions = session.scalars(
            select(AuditLog.action).where(AuditLog.entity == "communication", AuditLog.entity_id == record_id)
        ).all()
    engine.dispose()
    assert record.summary == "<b>改正后的记录</b>'; DROP TABLE communication; --" and record.deleted_at is not None
    assert sorted(actions) == ["delete", "update"]
