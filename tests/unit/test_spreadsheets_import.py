"""Spreadsheets as schools keep them (issue 15): titles and notes around the table, merged cells, several sheets,
dates as Excel and WPS write them, classes and names written every way, values that lie, CSV quirks, a huge
declared size; and an import never changes what the file did not say.

Every file is made here (openpyxl, or CSV text in an encoding); every import is into a tiny school built in code:

    2025-2026学年 (terms 2025-09-01 … 2026-01-20, 2026-02-24 … 2026-07-05), today = 2025-12-01
    三(1)班: 刘洋 (0026101), 刘洋 (0026102) — two pupils with one name
    三(2)班: 张三 (0026001), 李四 (0026002), 王五 (0026003); each with a guardian 〈name〉妈妈
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import Communication, Student, VolunteerRecord
from hxgy.transfer.files import FileRefused, read_tables
from hxgy.transfer.history import problems_frame
from hxgy.transfer.imports import ImportBlocked, ImportPlan, ImportResult, prepare, run_import
from tests.builders import TinySchool, tiny_school
from tests.conftest import run_cli

TODAY = date(2025, 12, 1)
HEADER = ["沟通日期", "班级", "学号", "学生姓名", "沟通方式", "沟通内容", "时长(分钟)", "简要记录"]


@pytest.fixture
def school(engine: Engine) -> Iterator[tuple[Engine, CurrentUser]]:
    """The tiny school of the module docstring, committed, and its dean."""
    with Session(engine) as session:
        ts: TinySchool = tiny_school(session)
        ts.add_class(3, 1, head="李老师")
        ts.add_class(3, 2, head="王老师")
        numbers = {"刘洋": "0026101", "张三": "0026001", "李四": "0026002", "王五": "0026003"}
        for name, class_name in (("张三", "三(2)班"), ("李四", "三(2)班"), ("王五", "三(2)班")):
            ts.add_student(name, class_name).student_no = numbers[name]
        ts.add_student("刘洋", "三(1)班").student_no = "0026101"
        second = ts.add_student("刘洋二", "三(1)班")
        second.student_no, second.name = "0026102", "刘洋"
        dean = ts.user("dean")
        session.commit()
    yield engine, dean


def xlsx(*sheets: dict) -> bytes:
    """A workbook: each sheet {"title", "rows", "merge": ["A1:H1"], "hidden": bool}."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec["title"])
        for row in spec["rows"]:
            sheet.append(list(row))
        for ref in spec.get("merge", ()):
            sheet.merge_cells(ref)
        if spec.get("hidden"):
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def contact(day: object, student: tuple[str, str] = ("0026001", "张三"), minutes: object = 20, **more: object) -> list:
    row = [day, more.get("班级", "三(2)班"), student[0], student[1], more.get("方式", "电话"), "学习情况", minutes]
    return [*row, more.get("记录", "了解近况")]


def plan_of(engine: Engine, user: CurrentUser, kind: str, name: str, data: bytes) -> ImportPlan:
    with Session(engine) as session:
        return prepare(session, user, kind, name, data, today=TODAY)


def import_file(engine: Engine, user: CurrentUser, kind: str, name: str, data: bytes) -> ImportResult:
    with Session(engine) as session:
        try:
            result = run_import(session, user, kind, name, data, today=TODAY)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result


def contacts(engine: Engine) -> list[tuple]:
    """(date, class name, 学号 or None, minutes, summary) of every stored communication, by id."""
    from hxgy.models import SchoolClass

    with Session(engine) as session:
        rows = session.execute(
            select(
                Communication.contact_date,
                SchoolClass.name,
                Student.student_no,
                Communication.duration_min,
                Communication.summary,
            )
            .join(SchoolClass, SchoolClass.id == Communication.class_id)
            .outerjoin(Student, Student.id == Communication.student_id)
            .order_by(Communication.id)
        )
        return [tuple(r) for r in rows]


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def blocked(engine: Engine, user: CurrentUser, kind: str, name: str, data: bytes) -> list[str]:
    """The problems of a file that must not import; checks nothing was written."""
    before = (count(engine, Communication), count(engine, Student), count(engine, VolunteerRecord))
    with pytest.raises(ImportBlocked) as caught:
        import_file(engine, user, kind, name, data)
    assert (count(engine, Communication), count(engine, Student), count(engine, VolunteerRecord)) == before
    return [str(p) for p in caught.value.plan.problems]


def refused(engine: Engine, user: CurrentUser, kind: str, name: str, data: bytes) -> str:
    before = count(engine, Communication)
    with pytest.raises(FileRefused) as caught:
        import_file(engine, user, kind, name, data)
    assert count(engine, Communication) == before
    return str(caught.value)


# ---- around the table ------------------------------------------------------------------------------------


def test_titles_notes_totals_a_repeated_header_and_pre_numbered_rows_are_not_data(school) -> None:
    """Rows 1–2 are titles (row 1 merged across), row 3 the header with a 序号 column; rows 4, 5, 7 are data,
    row 6 repeats the header, rows 8–9 are numbered but empty, row 10 holds only spaces (one a no-break space),
    then 合计, 填表人： and a merged note. Three records, no problem."""
    engine, dean = school
    rows = [
        ["2025学年第一学期三(2)班家访记录表"],
        ["学校：测试小学", None, None, None, "班主任：王老师"],
        ["序号", *HEADER],
        [1, *contact("2025-10-08")],
        [2, *contact("2025-10-09", ("0026002", "李四"))],
        ["序号", *HEADER],
        [3, *contact("2025-10-10", ("0026003", "王五"))],
        [4],
        [5, None, None, None, None, None, None, None, None],
        [None, "  ", "\u00a0", "\u3000"],
        ["合计", None, None, None, None, None, None, 60],
        ["填表人：王老师", None, None, None, None, "填表日期：2025年11月30日"],
        ["注：时长按分钟填写，面向全班的沟通不填学号。"],
    ]
    data = xlsx({"title": "Sheet1", "rows": rows, "merge": ["A1:I1", "A13:I13"]})
    plan = plan_of(engine, dean, "communications", "家访.xlsx", data)
    assert plan.ok, [str(p) for p in plan.problems]
    assert (plan.header_row, plan.rows_read, len(plan.new)) == (3, 3, 3)
    import_file(engine, dean, "communications", "家访.xlsx", data)
    assert [(r[0], r[2]) for r in contacts(engine)] == [
        (date(2025, 10, 8), "0026001"),
        (date(2025, 10, 9), "0026002"),
        (date(2025, 10, 10), "0026003"),
    ]


# ---- merged cells ----------------------------------------------------------------------------------------


def test_a_date_and_a_class_merged_down_are_each_rows_value(school) -> None:
    """A2:A4 (the date) and B2:B4 (the class) are merged: rows 2–4 are three calls on 2025-10-08 in 三(2)班."""
    engine, dean = school
    rows = [
        HEADER,
        contact(datetime(2025, 10, 8), ("0026001", "张三")),
        [None, None, *contact(None, ("0026002", "李四"))[2:]],
        [None, None, *contact(None, ("0026003", "王五"))[2:]],
    ]
    data = xlsx({"title": "沟通记录", "rows": rows, "merge": ["A2:A4", "B2:B4"]})
    result = import_file(engine, dean, "communications", "合并.xlsx", data)
    assert result.added == 3
    assert {(r[0], r[1]) for r in contacts(engine)} == {(date(2025, 10, 8), "三(2)班")}


# ---- sheets ----------------------------------------------------------------------------------------------


def test_the_data_is_found_after_a_cover_and_an_instructions_sheet(school) -> None:
    engine, dean = school
    data = xlsx(
        {"title": "封面", "rows": [["三(2)班家校沟通记录"], ["2025学年第一学期"]]},
        {"title": "填写说明", "rows": [["列"], ["沟通日期"], ["班级"]]},
        {"title": "数据", "rows": [HEADER, contact("2025-10-08")]},
    )
    assert import_file(engine, dean, "communications", "有封面.xlsx", data).added == 1


def test_one_sheet_per_class_imports_all_and_names_the_sheet_in_every_message(school) -> None:
    """Sheets 三(1)班 and 三(2)班, each with a row 2; a wrong channel on 三(1)班 row 3 is reported with its sheet."""
    engine, dean = school
    one = {"title": "三(1)班", "rows": [HEADER, contact("2025-10-08", ("0026101", "刘洋"), 班级="三(1)班")]}
    two = {"title": "三(2)班", "rows": [HEADER, contact("2025-10-08"), contact("2025-10-09", ("0026002", "李四"))]}
    result = import_file(engine, dean, "communications", "各班.xlsx", xlsx(one, two))
    assert result.added == 3
    one["rows"].append(contact("2025-10-10", ("0026102", "刘洋"), 班级="三(1)班", 方式="飞鸽传书"))
    problems = blocked(engine, dean, "communications", "各班.xlsx", xlsx(one, two))
    assert problems == [
        "工作表“三(1)班”第 3 行，E 列“沟通方式”：“飞鸽传书”不是本校的沟通方式；可选：家访、电话、微信/班级群、"
        "面谈、家长会、线上平台、家校联系本"
    ]
    plan = plan_of(engine, dean, "communications", "各班.xlsx", xlsx(one, two))
    frame = problems_frame(plan)
    assert list(frame.columns[:2]) == ["工作表", "行号"] and frame.iloc[0, :2].tolist() == ["三(1)班", 3]


def test_a_hidden_sheet_is_never_imported_silently(school) -> None:
    engine, dean = school
    data = xlsx(
        {"title": "三(2)班", "rows": [HEADER, contact("2025-10-08")]},
        {"title": "旧数据", "rows": [HEADER, contact("2025-10-09")], "hidden": True},
    )
    message = refused(engine, dean, "communications", "隐藏.xlsx", data)
    assert "“旧数据”是隐藏的" in message and "取消隐藏" in message


def test_sheets_that_disagree_about_what_they_are_are_refused_and_named(school) -> None:
    engine, dean = school
    volunteering = ["服务日期", "班级", "学号", "家长姓名", "志愿项目", "时长(小时)"]
    data = xlsx(
        {"title": "沟通", "rows": [HEADER, contact("2025-10-08")]},
        {"title": "志愿", "rows": [volunteering, ["2025-10-08", "三(2)班", "0026001", "张三妈妈", "护学岗", 1]]},
    )
    message = refused(engine, dean, "communications", "混合.xlsx", data)
    assert "“沟通”是沟通记录" in message and "“志愿”像是志愿服务" in message


# ---- dates and times -------------------------------------------------------------------------------------


def test_dates_as_excel_and_wps_write_them(school) -> None:
    """20251008 typed as a number, 2025年10月9日星期四, 2025/10/10 下午3:00 (WPS), 2025.10.11."""
    engine, dean = school
    rows = [
        HEADER,
        contact(20251008),
        contact("2025年10月9日星期四", ("0026002", "李四")),
        contact("2025/10/10 下午3:00", ("0026003", "王五")),
        contact("2025.10.11"),
    ]
    import_file(engine, dean, "communications", "日期.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert [r[0] for r in contacts(engine)] == [date(2025, 10, d) for d in (8, 9, 10, 11)]


def test_a_bad_date_is_quoted_as_the_user_sees_it(school) -> None:
    engine, dean = school
    rows = [HEADER, contact(2025108), contact(20251308.0, ("0026002", "李四"))]
    problems = blocked(engine, dean, "communications", "日期.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert problems == [
        "第 2 行，A 列“沟通日期”：“2025108”不是日期，请写成 2025-09-01 或 2025年9月1日",
        "第 3 行，A 列“沟通日期”：“20251308”不是存在的日期",
    ]
    assert not any("e+" in p for p in problems)


# ---- classes and names -----------------------------------------------------------------------------------


def test_classes_written_every_way_and_names_with_invisible_characters(school) -> None:
    """3(2)班, 3（2）班, 三年级二班 are 三(2)班; 张\u200b三 with a zero-width space is 张三."""
    engine, dean = school
    rows = [
        HEADER,
        contact("2025-10-08", ("0026001", "张\u200b三"), 班级="3(2)班"),
        contact("2025-10-09", ("0026002", "\ufeff李四\u2060"), 班级="3（2）班"),
        contact("2025-10-10", ("0026003", "王\u00a0五\u200d"), 班级="三年级二班"),
    ]
    result = import_file(engine, dean, "communications", "班级.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert result.added == 3 and {r[1] for r in contacts(engine)} == {"三(2)班"}


def test_invisible_characters_are_never_stored_in_names(school) -> None:
    engine, dean = school
    roster = ["学年", "班级", "学号", "姓名"]
    rows = [roster, ["2025-2026学年", "三(2)班", "0026004", "\ufeff赵\u00a0六\u200b\u2060"]]
    import_file(engine, dean, "students", "名册.xlsx", xlsx({"title": "学生名册", "rows": rows}))
    with Session(engine) as session:
        assert session.scalar(select(Student.name).where(Student.student_no == "0026004")) == "赵六"


# ---- values that lie -------------------------------------------------------------------------------------


def test_a_unit_that_contradicts_its_column_is_converted_or_refused(school) -> None:
    """1小时 under 时长(分钟) is 60 minutes; 10分钟 under 时长(小时) is 0.17 hours, never 10 hours."""
    engine, dean = school
    rows = [HEADER, contact("2025-10-08", minutes="1小时"), contact("2025-10-09", minutes="45分钟")]
    import_file(engine, dean, "communications", "时长.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert [r[3] for r in contacts(engine)] == [60, 45]
    volunteering = ["服务日期", "班级", "学号", "家长姓名", "志愿项目", "时长(小时)"]
    rows = [volunteering, ["2025-10-08", "三(2)班", "0026001", "张三妈妈", "护学岗", "10分钟"]]
    import_file(engine, dean, "volunteering", "志愿.xlsx", xlsx({"title": "志愿服务", "rows": rows}))
    with Session(engine) as session:
        assert session.scalars(select(VolunteerRecord.hours)).all() == [0.17]
    rows = [HEADER, contact("2025-10-10", minutes="10天")]
    problems = blocked(engine, dean, "communications", "时长.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert problems == ["第 2 行，G 列“时长(分钟)”：“10天”不是数字，也不是写明单位的时长；请填 30（分钟）或 1.5小时"]


def test_spreadsheet_error_values_are_refused_naming_the_cell(school) -> None:
    engine, dean = school
    rows = [
        HEADER,
        contact("2025-10-08", minutes="#N/A"),
        contact("#REF!", ("0026002", "李四")),
        contact("2025-10-09", minutes="#DIV/0!"),
        contact("2025-10-10", ("#VALUE!", "王五")),
    ]
    problems = blocked(engine, dean, "communications", "公式.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert problems == [
        "第 2 行，G 列“时长(分钟)”：单元格显示的是错误值 #N/A（公式出错），不是数据；请改正公式或填入数值",
        "第 3 行，A 列“沟通日期”：单元格显示的是错误值 #REF!（公式出错），不是数据；请改正公式或填入数值",
        "第 4 行，G 列“时长(分钟)”：单元格显示的是错误值 #DIV/0!（公式出错），不是数据；请改正公式或填入数值",
        "第 5 行，C 列“学号”：单元格显示的是错误值 #VALUE!（公式出错），不是数据；请改正公式或填入数值",
    ]


def test_implausible_birth_dates_are_refused(school) -> None:
    engine, dean = school
    roster = ["学年", "班级", "学号", "姓名", "出生日期"]
    rows = [roster, ["2025-2026学年", "三(2)班", "0026004", "赵六", "1917-03-15"]]
    rows.append(["2025-2026学年", "三(2)班", "0026005", "钱七", "2026-03-15"])
    problems = blocked(engine, dean, "students", "名册.xlsx", xlsx({"title": "学生名册", "rows": rows}))
    assert problems == [
        "第 2 行，E 列“出生日期”：出生日期 1917-03-15 早于 1990 年，不像小学生的出生日期；请核对",
        "第 3 行，E 列“出生日期”：出生日期 2026-03-15 不能晚于今天",
    ]


def test_a_name_without_a_student_no_is_matched_in_its_class_or_refused(school) -> None:
    """王五 is the only 王五 of 三(2)班: matched, and the preview says to which 学号. 刘洋 is two pupils of 三(1)班 and
    赵六 none of 三(2)班: refused; never a class-wide record (a 家访 row without a name would be refused anyway)."""
    engine, dean = school
    rows = [HEADER, contact("2025-10-08", ("", "王五"), 方式="微信/班级群")]
    plan = plan_of(engine, dean, "communications", "姓名.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert [str(w) for w in plan.warnings] == ["第 2 行，C 列“学号”：学号未填，已按姓名在三(2)班中匹配到学号 0026003"]
    import_file(engine, dean, "communications", "姓名.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert [r[2] for r in contacts(engine)] == ["0026003"]
    rows = [
        HEADER,
        contact("2025-10-09", ("", "刘洋"), 班级="三(1)班", 方式="微信/班级群"),
        contact("2025-10-09", ("", "赵六"), 方式="微信/班级群"),
    ]
    problems = blocked(engine, dean, "communications", "姓名.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert problems == [
        "第 2 行，C 列“学号”：学号未填，三(1)班有 2 个学生叫“刘洋”；请填写学号",
        "第 3 行，C 列“学号”：学号未填，2025-10-09 三(2)班没有叫“赵六”的学生；请填写学号",
    ]


# ---- CSV -------------------------------------------------------------------------------------------------


def csv_text(lines: list[str], encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def test_a_csv_row_longer_than_its_header_is_refused_naming_the_row(school) -> None:
    engine, dean = school
    lines = [",".join(HEADER), "2025-10-08,三(2)班,0026001,张三,电话,学习情况,20,了解近况,约定下周再联系"]
    problems = blocked(engine, dean, "communications", "逗号.csv", csv_text(lines))
    assert problems == [
        "第 2 行：这一行有 9 个单元格，比表头的 8 列多（多出“约定下周再联系”）；可能是内容里有未加引号的逗号，"
        "请改用中文逗号或另存为 .xlsx"
    ]


@pytest.mark.parametrize(("delimiter", "encoding"), [(",", "gb18030"), ("\t", "utf-16"), (",", "utf-8-sig")])
def test_a_title_line_above_the_header_of_a_csv_or_tsv(school, delimiter: str, encoding: str) -> None:
    engine, dean = school
    row = ["2025-10-08", "三(2)班", "0026001", "张三", "电话", "学习情况", "20", "了解近况"]
    lines = ["三(2)班家访记录", delimiter.join(HEADER), delimiter.join(row)]
    assert import_file(engine, dean, "communications", "标题.csv", csv_text(lines, encoding)).added == 1


def test_an_encoding_error_names_the_row(school) -> None:
    engine, dean = school
    good = "2025-10-08,三(2)班,0026001,张三,电话,学习情况,20,了解近况".encode()
    bad = "2025-10-09,三(2)班,0026002,李四,电话,学习情况,20,粘贴来的".encode("gbk")
    data = ",".join(HEADER).encode() + b"\r\n" + good + b"\r\n" + bad + b"\r\n"
    message = refused(engine, dean, "communications", "编码.csv", data)
    assert message.startswith("无法识别文件的编码：第 3 行有无法识别的字符")


# ---- huge declared size, Strict Open XML -----------------------------------------------------------------


def huge_declared(rows: int = 1_000_000) -> bytes:
    """Two data rows, a sheet declared A1:XFD1048576 and formatted (empty) rows down to row ``rows``."""
    data = xlsx({"title": "沟通记录", "rows": [HEADER, contact("2025-10-08")]})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = part.decode()
                text = text.replace('<dimension ref="A1:H2"/>', '<dimension ref="A1:XFD1048576"/>')
                empty = "".join(f'<row r="{n}" spans="1:16384" customFormat="1" ht="15"/>' for n in range(3, rows + 1))
                text = text.replace("</sheetData>", empty + "</sheetData>")
                part = text.encode()
            target.writestr(info, part)
    return out.getvalue()


def test_a_workbook_declaring_a_million_empty_rows_is_read_in_seconds(school) -> None:
    engine, dean = school
    data = huge_declared()
    started = time.perf_counter()
    (table,) = read_tables("大.xlsx", data)
    seconds = time.perf_counter() - started
    assert len(table.rows) == 2 and seconds < 30, seconds  # reading stops after 10,000 empty rows
    assert import_file(engine, dean, "communications", "大.xlsx", data).added == 1


def test_a_strict_open_xml_workbook_is_told_its_real_problem(school) -> None:
    engine, dean = school
    data = xlsx({"title": "沟通记录", "rows": [HEADER, contact("2025-10-08")]})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                part = part.replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
            target.writestr(info, part)
    message = refused(engine, dean, "communications", "strict.xlsx", out.getvalue())
    assert "Strict Open XML" in message and "另存为" in message


# ---- never change what the file did not say --------------------------------------------------------------


def student_row(engine: Engine, no: str) -> tuple:
    with Session(engine) as session:
        s = session.scalars(select(Student).where(Student.student_no == no)).one()
        return s.name, s.gender, s.birth_date, s.left_behind, s.single_parent


def test_a_column_absent_from_the_file_never_changes_stored_values(school) -> None:
    """张三 gets 性别 男, 出生日期 2017-03-15, 留守儿童 是;
    a roster of only 学年, 班级, 学号, 姓名 keeps all three."""
    engine, dean = school
    full = ["学年", "班级", "学号", "姓名", "性别", "出生日期", "留守儿童"]
    rows = [full, ["2025-2026学年", "三(2)班", "0026001", "张三", "男", "2017-03-15", "是"]]
    import_file(engine, dean, "students", "名册.xlsx", xlsx({"title": "学生名册", "rows": rows}))
    assert student_row(engine, "0026001") == ("张三", "男", date(2017, 3, 15), True, False)
    rows = [["学年", "班级", "学号", "姓名"], ["2025-2026学年", "三(2)班", "0026001", "张三"]]
    result = import_file(engine, dean, "students", "名册.xlsx", xlsx({"title": "学生名册", "rows": rows}))
    assert (result.added, result.updated, result.unchanged) == (0, 0, 1)
    assert student_row(engine, "0026001") == ("张三", "男", date(2017, 3, 15), True, False)


def test_the_same_records_in_another_order_change_nothing(school) -> None:
    """Two calls to 张三's family on 2025-10-08 (10 and 40 minutes) imported, then the file reversed: all unchanged,
    each record keeps its own duration and summary."""
    engine, dean = school
    first = contact("2025-10-08", minutes=10, 记录="早上：约好下午再谈")
    second = contact("2025-10-08", minutes=40, 记录="下午：谈了作业习惯")
    import_file(engine, dean, "communications", "a.xlsx", xlsx({"title": "沟通记录", "rows": [HEADER, first, second]}))
    stored = contacts(engine)
    result = import_file(
        engine, dean, "communications", "b.xlsx", xlsx({"title": "沟通记录", "rows": [HEADER, second, first]})
    )
    assert (result.added, result.updated, result.unchanged) == (0, 0, 2)
    assert (
        contacts(engine)
        == stored
        == [
            (date(2025, 10, 8), "三(2)班", "0026001", 10, "早上：约好下午再谈"),
            (date(2025, 10, 8), "三(2)班", "0026001", 40, "下午：谈了作业习惯"),
        ]
    )


def test_a_student_no_that_lost_its_leading_zeros_is_matched_and_said(school) -> None:
    """26001 typed as a number is 0026001 (one stored 学号 fits); the roster re-imported with it adds no student."""
    engine, dean = school
    rows = [HEADER, contact("2025-10-08", (26001, "张三"))]
    plan = plan_of(engine, dean, "communications", "学号.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert [str(w) for w in plan.warnings] == [
        "第 2 行，C 列“学号”：学号 26001 在学生名册中没有；已按名册中的 0026001 匹配（Excel 可能去掉了学号开头的 0）"
    ]
    import_file(engine, dean, "communications", "学号.xlsx", xlsx({"title": "沟通记录", "rows": rows}))
    assert [r[2] for r in contacts(engine)] == ["0026001"]
    students = count(engine, Student)
    rows = [["学年", "班级", "学号", "姓名"], ["2025-2026学年", "三(2)班", 26001, "张三"]]
    result = import_file(engine, dean, "students", "名册.xlsx", xlsx({"title": "学生名册", "rows": rows}))
    assert (result.added, count(engine, Student)) == (0, students)
    assert result.warnings == (
        "第 2 行，C 列“学号”：学号 26001 在学生名册中没有；已按名册中的 0026001 匹配，不新建学生"
        "（Excel 可能去掉了学号开头的 0）",
    )


def test_the_command_line_prints_the_preview_s_warnings(school, tmp_path) -> None:
    """Two identical rows: the page warns, and so does `python -m hxgy import`."""
    engine, dean = school
    rows = [HEADER, contact("2025-10-08"), contact("2025-10-08")]
    path = tmp_path / "重复.xlsx"
    path.write_bytes(xlsx({"title": "沟通记录", "rows": rows}))
    plan = plan_of(engine, dean, "communications", path.name, path.read_bytes())
    (warning,) = [str(w) for w in plan.warnings]
    url = engine.url.render_as_string(hide_password=False)
    done = run_cli(
        url, "import", "communications", str(path), "--user", dean.username, env={"HXGY_TODAY": TODAY.isoformat()}
    )
    assert done.returncode == 0, done.stderr
    assert f"请留意：{warning}" in done.stdout
