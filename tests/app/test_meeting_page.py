"""会议投屏 in AppTest: choosing slides, presenting, moving on and back, leaving; figures equal 总览's."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session
from streamlit.runtime.memory_media_file_storage import _calculate_file_id

from hxgy import db, formats, terms
from hxgy.models import School, Term
from hxgy.ui import slides
from tests.app.conftest import all_text
from tests.app.test_pages import _figures

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_head_teacher_presents_the_slides_and_moves_through_them(make_app, demo_url) -> None:
    at = make_app(demo_url, "headteacher")
    at.run()
    at.switch_page("pages/meeting.py")
    at.run()
    assert not at.exception
    listed = next(m.value for m in at.markdown if m.value.startswith("**共 "))
    total = int(listed.split("共 ")[1].split(" 页")[0])
    _button(at, "开始投屏").click()
    at.run()
    assert not at.selectbox, "the choices are hidden while presenting"
    text = all_text(at)
    assert f"1 / {total}" in text and "东湖区实验小学家校社协同育人工作情况" in text
    _button(at, "下一页").click()
    at.run()
    text = all_text(at)
    assert f"2 / {total}" in text and "主要指标" in text
    figures = _figures(demo_url)
    assert formats.percent(figures["home_visit_coverage"]) in text  # the same figure as on 总览
    _button(at, "上一页").click()
    at.run()
    _button(at, "上一页").click()
    at.run()
    assert f"{total} / {total}" in all_text(at)
    _button(at, "退出").click()
    at.run()
    assert at.selectbox and "开始投屏" in [b.label for b in at.button]


def test_one_grade_and_one_group_of_slides(make_app, demo_url) -> None:
    at = make_app(demo_url, "meeting")
    at.run()
    assert not at.exception
    at.selectbox(key="m-grade").select(3)
    at.run()
    at.segmented_control(key="m-sections").set_value(["grades"])
    at.run()
    listed = next(m.value for m in at.markdown if m.value.startswith("**共 "))
    assert listed.startswith("**共 1 页：** 三年级（") and listed.endswith("名学生）")
    assert not at.get("download_button")


def test_a_grades_pack_is_named_for_its_grade(make_app, demo_url) -> None:
    """The download of 三年级's slides is not named like the whole school's pack."""
    at = make_app(demo_url, "meeting")
    at.run()
    at.selectbox(key="m-grade").select(3)
    at.run()
    at.segmented_control(key="m-sections").set_value(["grades"])
    at.run()
    _button(at, "生成幻灯片文件（PPTX）").click()
    at.run()
    assert not at.exception
    [download] = at.get("download_button")
    pack = at.session_state[slides.STATE]["pack"][1]
    term = at.session_state[slides.STATE]["options"]["term"]
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        chosen = session.get_one(Term, term)
        school = session.get_one(School, chosen.school_id).name
        label = terms.term_period(chosen, date.today()).label
    engine.dispose()
    # Streamlit names a media file by its bytes, type and file name: the name is in the address
    file_id = _calculate_file_id(pack, PPTX, f"{school}_{label}_三年级_家校社协同育人.pptx")
    assert download.proto.url.endswith(f"/{file_id}.pptx")
