"""全区统计表 on a two-school district, opened back with openpyxl and checked against figures worked out by hand.

测试区, 2025-2026学年第一学期 (2025-09-01 – 2026-01-20, over on 2026-03-20):

甲小学 (T1): 一(1)班 a1 a2, 一(2)班 a3 — 3 students, 2 classes.
  a1 家访, a2 电话 → 沟通覆盖率 2/3, 家访覆盖率 1/3, 户均沟通次数 2/3; a1's mother 2 h of 志愿服务 → 参与率 1/3,
  2.0 h; 德育 a1 85 (良好), a2 75 → 优良率 1/2; school-wide survey 9 of 10 → 满意度 0.9; one request answered in
  2 hours → 按时答复率 1.0; one school-wide activity with 基地X (校外实践基地) → 1 场, 1 base used;
  partners signed by 2026-01-20: 社区 ×2, 基地X → 社区服务中心 2, 企事业单位 0, 文化场馆 0, 校外实践基地 1.
  工作要求 全员家访: a2 and a3 never visited → 未达标.
乙小学 (T2): 一(1)班 b1–b4, 4 students, 1 class, each visited at home → 1.0, 1.0, 1.0; no volunteering → 0.0;
  no 德育 → blank; class survey 2 of 4 → 0.5; no request → blank; no activity; its 文化场馆 signed 2026-02-01,
  after the term → 0. 全员家访 达标; b1, b2 留守儿童 (2 < 5) → 留守儿童联系 不足5个对象.
别区 has a third school, left out.
全区合计: 7 students, 3 classes, coverage 6/7, 家访 5/7, 户均 6/7, 参与率 1/7, 2.0 h, 优良率 1/2, 满意度 11/14,
  答复 1/1, 1 activity, 社区 2, base 1, 1 base used; 全员家访 1/2 所达标.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from hxgy.metrics import stats
from hxgy.models import Partner, Student
from hxgy.transfer.district_table import district_table, district_table_bytes, district_table_file_name
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 3, 20)
NOW = datetime(2026, 3, 20, 4, 0)


def _partner(s: TinySchool, name: str, code: str, signed: date) -> None:
    s.session.add(
        Partner(school_id=s.school.id, name=name, type_id=s.category("partner_type", code), agreement_date=signed)
    )
    s.session.flush()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    session = Session(engine, expire_on_commit=False)
    a = tiny_school(session, code="T1", name="甲小学")
    a.add_class(1, 1, head="王老师")
    a.add_class(1, 2, head="李老师")
    for name, class_name in (("a1", "一(1)班"), ("a2", "一(1)班"), ("a3", "一(2)班")):
        a.add_student(name, class_name)
    a.contact("一(1)班", date(2025, 9, 20), "a1", channel="home_visit")
    a.contact("一(1)班", date(2025, 10, 8), "a2", channel="phone")
    a.volunteer("一(1)班", "a1", date(2025, 10, 12), 2.0)
    a.scores("a1", "一(1)班", {"teacher": 85})
    a.scores("a2", "一(1)班", {"teacher": 75})
    a.survey(None, 10, 9)
    a.request("一(1)班", datetime(2025, 10, 10, 9, 0), datetime(2025, 10, 10, 11, 0))
    _partner(a, "城东社区", "community", date(2025, 9, 10))
    _partner(a, "城西社区", "community", date(2025, 11, 1))
    _partner(a, "基地X", "base", date(2025, 9, 1))
    a.activity("研学", date(2025, 11, 5), "parent_child", "school", {}, partner="基地X")

    b = tiny_school(session, code="T2", name="乙小学")
    b.add_class(1, 1, head="赵老师")
    for name in ("b1", "b2", "b3", "b4"):
        b.add_student(name, "一(1)班")
        b.contact("一(1)班", date(2025, 9, 25), name, channel="home_visit")
    session.execute(
        update(Student).where(Student.id.in_([b.students["b1"].id, b.students["b2"].id])).values(left_behind=True)
    )
    b.survey("一(1)班", 4, 2)
    _partner(b, "市博物馆", "venue", date(2026, 2, 1))

    c = tiny_school(session, code="T3", name="别区小学", district="别区")
    c.add_class(1, 1)
    c.add_student("c1", "一(1)班")
    for school in (a, b, c):
        stats.refresh_school(session, school_id=school.school.id, today=TODAY, now=NOW)
    session.commit()
    yield session
    session.close()


def test_the_table_has_one_row_per_school_and_the_district(session: Session) -> None:
    table = district_table(session, district="测试区", start_year=2025, term_no=1, today=TODAY, now=NOW)
    assert district_table_file_name(table.district, table.term_name) == "测试区统计表_2025-2026学年第一学期.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(district_table_bytes(table, now=NOW)))
    sheet = book["各校统计"]
    assert sheet["A1"].value == "测试区家校社协同育人统计表（2025-2026学年第一学期）"
    headers = [c.value for c in sheet[3]]
    assert headers[:14] == [
        "学校", "学期", "学生数", "班级数", "沟通覆盖率", "家访覆盖率", "户均沟通次数", "家长志愿参与率",
        "志愿服务时长（小时）", "德育优良率", "家长满意度", "诉求按时答复率", "协同活动（场）",
        "签约社区服务中心（家）",
    ]  # fmt: skip
    assert headers[14:18] == [
        "签约企事业单位（家）",
        "签约文化场馆（家）",
        "签约校外实践基地（家）",
        "使用校外实践基地（个）",
    ]
    rows = {row[0]: dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert list(rows) == ["甲小学", "乙小学", "全区合计"]
    first, second, total = rows["甲小学"], rows["乙小学"], rows["全区合计"]

    assert (first["学生数"], first["班级数"], first["协同活动（场）"]) == (3, 2, 1)
    for header, value in (("沟通覆盖率", 2 / 3), ("家访覆盖率", 1 / 3), ("户均沟通次数", 2 / 3),
                          ("家长志愿参与率", 1 / 3), ("志愿服务时长（小时）", 2.0), ("德育优良率", 0.5),
                          ("家长满意度", 0.9), ("诉求按时答复率", 1.0)):  # fmt: skip
        assert first[header] == pytest.approx(value), header
    assert [first[h] for h in headers[13:18]] == [2, 0, 0, 1, 1]
    assert first["工作要求：全员家访"] == "未达标"

    assert (second["学生数"], second["班级数"], second["协同活动（场）"]) == (4, 1, 0)
    assert second["沟通覆盖率"] == pytest.approx(1.0) and second["家访覆盖率"] == pytest.approx(1.0)
    assert second["户均沟通次数"] == pytest.approx(1.0) and second["家长志愿参与率"] == pytest.approx(0.0)
    assert second["德育优良率"] is None and second["诉求按时答复率"] is None
    assert second["家长满意度"] == pytest.approx(0.5)
    assert [second[h] for h in headers[13:18]] == [0, 0, 0, 0, 0]
    assert second["工作要求：全员家访"] == "达标"
    assert second["工作要求：留守儿童联系"] == "不足5个对象"

    assert (total["学期"], total["学生数"], total["班级数"], total["协同活动（场）"]) == ("2 所学校", 7, 3, 1)
    for header, value in (("沟通覆盖率", 6 / 7), ("家访覆盖率", 5 / 7), ("户均沟通次数", 6 / 7),
                          ("家长志愿参与率", 1 / 7), ("志愿服务时长（小时）", 2.0), ("德育优良率", 0.5),
                          ("家长满意度", 11 / 14), ("诉求按时答复率", 1.0)):  # fmt: skip
        assert total[header] == pytest.approx(value), header
    assert [total[h] for h in headers[13:18]] == [2, 0, 0, 1, 1]
    assert total["工作要求：全员家访"] == "1/2 所达标"

    formats = {h: sheet.cell(4, i).number_format for i, h in enumerate(headers, start=1)}
    assert formats["沟通覆盖率"] == "0.0%" and formats["户均沟通次数"] == "0.0" and formats["学生数"] == "0"
    assert [r[0] for r in book["说明"].iter_rows(min_row=2, values_only=True)] == headers
