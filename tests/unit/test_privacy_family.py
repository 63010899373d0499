"""See: the family's file lists everything stored about the student and their family, and nothing about others."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hxgy.privacy.family import NotThisSchool, family_file
from hxgy.report.document import east_asian_font
from tests.builders import tiny_school
from tests.unit.privacy_school import FATHER, FATHER_PHONE, GONE, MOTHER_PHONE, STAYS, TODAY, privacy_school


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_family_file_holds_every_record_of_the_student_and_guardians(engine: Engine) -> None:
    with Session(engine) as session:
        s, _ = privacy_school(session)
        data, rows = family_file(session, s.school.id, s.students[GONE].id, today=TODAY)
    # 1 student + 2 guardians + 1 class + 3 contacts (one withdrawn) + 1 request + 3 volunteer records (the mother's
    # two, the father's one) + 德育 12 scores in term 1 (3 raters × 4 dimensions) and 8 in term 2 (2 raters) + the
    # mother's 家长学校 sign-in + the father's place on the 家委会
    assert rows == 1 + 2 + 1 + 3 + 1 + 3 + 12 + 8 + 1 + 1
    text = _text(data)
    for expected in (
        f"姓名：{GONE}",
        "学号：S0001",
        "出生日期：2017-03-05",
        "留守儿童：是",
        "单亲家庭：否",
        "困难家庭：是",
        f"{GONE}妈妈",
        FATHER,
        MOTHER_PHONE,  # full numbers: it is the family's own data
        FATHER_PHONE,
        "东湖街道办",
        "三(1)班",
        f"家访{GONE}，{FATHER}在场",
        f"{GONE}（已撤销的记录）",
        "已撤销",
        f"{GONE}妈妈（{MOTHER_PHONE}）反映校车问题",
        f"已电话答复{FATHER}",
        f"{GONE}妈妈护学岗",
        "文明礼仪",
        "教师评",
        "95",
        "不记录某位家长或学生是否参加",
        "家长学校第一讲",  # the family's own sign-in and 家委会 place
        "副主任",
    ):
        assert expected in text, expected
    # nothing about another child: not the class-wide notice, not the classmate's record that names this child
    for absent in (STAYS, "班级群通知", "发生争执", "周一鸣"):
        assert absent not in text, absent
    doc = Document(io.BytesIO(data))
    assert east_asian_font(doc.styles["Normal"]) == "宋体"
    page = doc.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297), "A4, not python-docx's US Letter"
    assert round(page.left_margin.cm, 1) == round(page.right_margin.cm, 1) == 2.2
    # 沟通记录 on three columns a parent can read; a withdrawn record says so in its own row (no 状态 column)
    contacts = next(t for t in doc.tables if t.rows[0].cells[0].text == "日期与方式")
    assert [c.text for c in contacts.rows[0].cells] == ["日期与方式", "班级与教师", "内容"]
    withdrawn = [r.cells[2].text for r in contacts.rows if "（已撤销的记录）" in r.cells[2].text]
    assert len(withdrawn) == 1 and withdrawn[0].startswith("【已撤销】"), withdrawn
    assert sum("【已撤销】" in r.cells[2].text for r in contacts.rows) == 1
    assert all(len(t.columns) <= 7 for t in doc.tables)
    if os.environ.get("HXGY_FAMILY_DOCX"):  # to look at it: HXGY_FAMILY_DOCX=/tmp/family.docx pytest …
        Path(os.environ["HXGY_FAMILY_DOCX"]).write_bytes(data)


def test_a_student_of_another_school_is_not_exported(engine: Engine) -> None:
    with Session(engine) as session:
        s, _ = privacy_school(session)
        other = tiny_school(session, code="T2", name="另一小学")
        session.commit()
        with pytest.raises(NotThisSchool):
            family_file(session, other.school.id, s.students[GONE].id, today=TODAY)
