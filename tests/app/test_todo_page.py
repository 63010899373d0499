"""待办 as the app runs it on the demo school: the head teacher's list and its one-tap 家访, the principal's school.

What is due is computed by hxgy.todo (tested by hand in tests/unit/test_todo.py); here the page shows exactly that,
and its taps open the forms with the item chosen.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, db, todo
from hxgy.auth import signed_in
from hxgy.models import School, UserAccount
from tests.app.conftest import all_text
from tests.app.test_entry_pages import _head_teacher_class, _home_visit_coverage


def _items(url: str, username: str) -> list[todo.TodoItem]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        account = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if username == "principal":
            items = todo.school_items(session, account.school_id, now=config.now())
        else:
            items = todo.items_for(session, signed_in(account), now=config.now())
    engine.dispose()
    return items


def _family_buttons(at) -> dict[str, str]:
    """key → label of the family rows."""
    return {b.key: b.label for b in at.button if b.key and b.key.startswith("todo-go-family-")}


def test_a_head_teacher_lands_on_the_list_and_logs_a_home_visit_in_two_taps(make_app, demo_copy_url) -> None:
    class_id, class_name, not_visited, visit = _head_teacher_class(demo_copy_url)
    items = _items(demo_copy_url, "headteacher")
    families = [i for i in items if i.student_id is not None]
    assert len(families) == len(not_visited) > 0, "every family not visited (or not contacted) is listed"
    visited_before, coverage_before = _home_visit_coverage(demo_copy_url, class_id)

    at = make_app(demo_copy_url, "headteacher")
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["待办"]
    rows = _family_buttons(at)
    assert list(rows) == [f"todo-go-family-me-{i.student_id}" for i in families], "most urgent first"
    first = families[0]
    assert first.title in rows[f"todo-go-family-me-{first.student_id}"]
    assert first.guardian_name in rows[f"todo-go-family-me-{first.student_id}"]
    assert "\\*\\*\\*\\*" in rows[f"todo-go-family-me-{first.student_id}"], "the phone masked (written literally)"
    text = all_text(at)
    assert first.group_text in text, "how far the class is from the on-pace target"

    at.button(key=f"todo-go-family-me-{first.student_id}").click().run()
    assert [t.value for t in at.title] == ["记录沟通"]
    assert at.selectbox(key="contact-class").value == class_id
    assert at.selectbox(key="contact-student").value == first.student_id
    assert at.radio(key="contact-channel").value == visit

    at.button(key="FormSubmitter:contact-form-保存").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["待办"], "back to the list"
    assert "已保存" in all_text(at)
    assert f"todo-go-family-me-{first.student_id}" not in _family_buttons(at), "the item is gone"
    visited_after, coverage_after = _home_visit_coverage(demo_copy_url, class_id)
    assert visited_after == visited_before + 1 and coverage_after > coverage_before
    students = len(not_visited) + int(visited_before)
    assert f"{class_name}：家访 {int(visited_after)}/{students} 户（{coverage_after:.1%}）" in all_text(at)


def test_the_principal_sees_the_school_by_class_and_opens_a_request_and_hours(make_app, demo_url) -> None:
    items = _items(demo_url, "principal")
    classes = list(dict.fromkeys(i.class_id for i in items))
    at = make_app(demo_url, "principal")
    at.run()
    at.switch_page("pages/todo.py").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert len(labels) == len(classes), "one expander per class"
    first = next(i for i in items if i.class_id == classes[0])
    assert labels[0].startswith(f"{first.class_name}（班主任 {first.teacher}）"), labels[0]
    assert items[0].kind == "request" and items[0].overdue and "已超时" in labels[0], "the most urgent class first"

    at.button(key=f"todo-go-request-{classes[0]}-{items[0].record_id}").click().run()
    assert [t.value for t in at.title] == ["家长诉求"]
    assert at.selectbox(key="reply-pick").value == items[0].record_id, "the request chosen for the reply"

    hours = next(i for i in items if i.kind == "volunteer_confirm")
    at.switch_page("pages/todo.py").run()
    at.button(key=f"todo-go-hours-{hours.class_id}-{hours.class_id}").click().run()
    assert [t.value for t in at.title] == ["志愿登记"]
    assert at.selectbox(key="volunteer-class").value == hours.class_id


def test_the_list_names_no_one_outside_a_teachers_classes(make_app, demo_url) -> None:
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        school_id = session.scalar(select(School.id).where(School.code == "DH001"))
        everyone = todo.school_items(session, school_id, now=config.now())
    engine.dispose()
    mine = {i.student_id for i in _items(demo_url, "headteacher") if i.student_id is not None}
    others = [i.title for i in everyone if i.student_id is not None and i.student_id not in mine]
    at = make_app(demo_url, "headteacher")
    at.run()
    shown = all_text(at) + "\n".join(b.label for b in at.button)
    assert others and not [name for name in others if name in shown]
