"""A corpus of bad files: each is refused with a Chinese reason naming the row and column, and writes nothing.

Every file is built here in code. A case expects one of three outcomes:
- the whole file refused (FileRefused) with the given fragments in its message;
- the import blocked (ImportBlocked) with exactly the given problems: row, column header, a fragment of the message;
- the user refused (WriteRefused), which by design writes one 'denied' row to the audit log and nothing else.
After each, the row count of every table is compared with before (the session is even committed, to show that
nothing was pending either).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.auth import load_user
from hxgy.entry.rules import WriteRefused
from hxgy.models import (
    AuditLog,
    ClassAssignment,
    Enrolment,
    Guardian,
    SchoolClass,
    SchoolYear,
    Student,
    Term,
)
from hxgy.models.base import Base
from hxgy.transfer import files
from hxgy.transfer.files import FileRefused
from hxgy.transfer.imports import ImportBlocked, run_import
from hxgy.transfer.templates import template_bytes
from tests.conftest import DEMO_ANCHOR

# ---- the demo school, as the cases need it ---------------------------------------------------------


@dataclass(frozen=True)
class Pupil:
    no: str  # 学号
    name: str
    guardian: str  # the name of one guardian of the family


@dataclass(frozen=True)
class Facts:
    """Names of the demo school the files are written with (read once from the shared demo database)."""

    term: str  # the current term, e.g. 2026-2027学年第一学期
    year: str  # the current school year, e.g. 2026-2027学年
    classes: tuple[str, ...]  # this year's classes, in order
    head_class: str  # the class the demo head teacher teaches this year
    other_class: str  # a class of this year they do not teach
    pupils: dict[str, tuple[Pupil, ...]]  # class -> pupils in it the whole year, each with a guardian

    @property
    def head(self) -> tuple[Pupil, ...]:
        return self.pupils[self.head_class]

    @property
    def other(self) -> tuple[Pupil, ...]:
        return self.pupils[self.other_class]


def read_facts(engine: Engine) -> Facts:
    with Session(engine) as session:
        dean = load_user(session, "dean")
        head = load_user(session, "headteacher")
        assert dean is not None and head is not None
        year = session.scalar(
            select(SchoolYear).where(
                SchoolYear.school_id == dean.school_id,
                SchoolYear.start_date <= DEMO_ANCHOR,
                SchoolYear.end_date >= DEMO_ANCHOR,
            )
        )
        term = session.scalar(
            select(Term).where(
                Term.school_id == dean.school_id, Term.start_date <= DEMO_ANCHOR, Term.end_date >= DEMO_ANCHOR
            )
        )
        assert year is not None and term is not None
        classes = tuple(
            session.scalars(
                select(SchoolClass.name)
                .where(SchoolClass.school_year_id == year.id)
                .order_by(SchoolClass.grade_level, SchoolClass.class_no)
            )
        )
        head_class = session.scalar(
            select(SchoolClass.name)
            .join(ClassAssignment, ClassAssignment.class_id == SchoolClass.id)
            .where(ClassAssignment.staff_id == head.staff_id, SchoolClass.school_year_id == year.id)
        )
        rows = session.execute(
            select(SchoolClass.name, Student.student_no, Student.name, Guardian.name)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .join(Student, Student.id == Enrolment.student_id)
            .join(Guardian, Guardian.family_id == Student.family_id)
            .where(
                SchoolClass.school_year_id == year.id,
                Enrolment.start_date <= year.start_date,
                Enrolment.end_date.is_(None),
            )
            .order_by(SchoolClass.grade_level, SchoolClass.class_no, Student.student_no, Guardian.id)
        ).all()
        pupils: dict[str, dict[str, Pupil]] = {}
        for class_name, no, name, guardian in rows:
            pupils.setdefault(class_name, {}).setdefault(no, Pupil(no, name, guardian))
    assert head_class is not None
    other = next(c for c in classes if c != head_class and len(pupils.get(c, {})) >= 6)
    return Facts(
        term=term.name,
        year=year.name,
        classes=classes,
        head_class=head_class,
        other_class=other,
        pupils={c: tuple(p.values()) for c, p in pupils.items()},
    )


@pytest.fixture(scope="module")
def facts(demo_url: str) -> Iterator[Facts]:
    engine = db.create_db_engine(demo_url)
    try:
        yield read_facts(engine)
    finally:
        engine.dispose()


# ---- writing files ---------------------------------------------------------------------------------


def headers_of(rows: list[dict[str, object]]) -> list[str]:
    """Every key of the rows, in the order first seen."""
    return list(dict.fromkeys(key for row in rows for key in row))


def csv_file(
    rows: list[dict[str, object]],
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    headers: list[str] | None = None,
) -> bytes:
    """A CSV of the rows under one header line (the header is row 1, the first row row 2)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    headers = headers or headers_of(rows)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def xlsx_file(rows: list[dict[str, object]], *, sheet: str = "Sheet1") -> bytes:
    """An .xlsx of the rows; text cells stay text even when they start with '=' (as typed with a leading ')."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    headers = headers_of(rows)
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def numbered(
    good: Callable[[Facts, int], dict[str, object]], f: Facts, bad: dict[str, object] | None = None, *, at: int = 5
) -> list[dict[str, object]]:
    """Four good rows (spreadsheet rows 2–5); the one at row ``at`` gets the wrong values."""
    rows = [good(f, i) for i in range(4)]
    if bad:
        rows[at - 2] = {**rows[at - 2], **bad}
    return rows


def day(i: int) -> str:
    return (date(2026, 10, 5) + timedelta(days=i)).isoformat()


def communication(f: Facts, i: int) -> dict[str, object]:
    p = f.head[i]
    return {
        "沟通日期": day(i),
        "班级": f.head_class,
        "学号": p.no,
        "学生姓名": p.name,
        "沟通方式": "电话",
        "方向": "学校→家庭",
        "沟通内容": "学习情况",
        "时长(分钟)": "15",
        "简要记录": "了解近况",
        "需要跟进": "否",
    }


def volunteering(f: Facts, i: int) -> dict[str, object]:
    p = f.head[i]
    return {
        "服务日期": day(i),
        "班级": f.head_class,
        "学号": p.no,
        "家长姓名": p.guardian,
        "志愿项目": "护学岗",
        "时长(小时)": "1.5",
        "备注": "",
        "已确认": "否",
    }


def request(f: Facts, i: int) -> dict[str, object]:
    p = f.head[i]
    return {
        "收到时间": f"{day(i)} 08:30",
        "反映渠道": "家长信箱",
        "诉求内容": "希望延长课后服务时间",
        "班级": f.head_class,
        "学号": p.no,
        "诉求类别": "教育教学",
        "答复时间": f"{day(i + 1)} 16:00",
        "答复内容": "已与课后服务老师沟通",
    }


def moral(f: Facts, i: int) -> dict[str, object]:
    p = f.head[i]
    return {
        "学期": f.term,
        "学号": p.no,
        "学生姓名": p.name,
        "评价维度": "文明礼仪",
        "评价主体": "教师评",
        "分数": "90",
    }


def satisfaction(f: Facts, i: int) -> dict[str, object]:
    return {"学期": f.term, "班级": f.classes[i], "答卷人数": "45", "满意人数": "40", "说明": ""}


def activity(f: Facts, i: int) -> dict[str, object]:
    return {
        "活动日期": day(i),
        "活动名称": f"家长开放日{i}",
        "活动类型": "家长开放日",
        "范围": "班级",
        "参与学生人次": "40",
        "参与班级": f.head_class,
        "到场家长数": "30",
    }


def student(f: Facts, i: int) -> dict[str, object]:
    return {
        "学年": f.year,
        "班级": f.head_class,
        "学号": f"209900000{i}",
        "姓名": f"新同学{i}",
        "性别": "女",
        "出生日期": "2018-05-01",
    }


def guardian(f: Facts, i: int) -> dict[str, object]:
    p = f.head[i]
    return {"学号": p.no, "学生姓名": p.name, "监护人姓名": f"新家长{i}", "关系": "母亲", "联系电话": "13800000000"}


def duplicated(good: Callable[[Facts, int], dict[str, object]], f: Facts) -> list[dict[str, object]]:
    """Rows 2–5 good, row 6 the same record as row 5 again."""
    rows = numbered(good, f)
    return [*rows, dict(rows[-1])]


# ---- hand-made workbooks: the smallest .xlsx, with XML entities where a file should never have them ---------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
# a billion laughs: ten levels of ten, 10^9 "lol"s if anything expanded it
ENTITY_BOMB = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    + "]>"
)
BOMB_REFERENCE = "&lol9;"
EXTERNAL_ENTITY = '<!DOCTYPE data [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
EXTERNAL_REFERENCE = "&secret;"
SAFE_HEADERS = ("沟通日期", "班级", "沟通方式")
SAFE_ROW = ("2026-10-08", "三(2)班", "电话")


def _cells(number: int, values: tuple[str, ...]) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def hand_made_xlsx(
    *, sheet_doctype: str = "", sheet_cell: str = "", workbook_doctype: str = "", sheet_name: str = "沟通记录"
) -> bytes:
    """An .xlsx written with zipfile alone: a DOCTYPE may go into the worksheet or the workbook part."""
    row = SAFE_ROW if not sheet_cell else (*SAFE_ROW[:2], sheet_cell)
    sheet = (
        XML_DECLARATION
        + sheet_doctype
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + _cells(1, SAFE_HEADERS)
        + _cells(2, row)
        + "</sheetData></worksheet>"
    )
    workbook = (
        XML_DECLARATION
        + workbook_doctype
        + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def formula_xlsx(rows: list[dict[str, object]], *, row: int, header: str, formula: str) -> bytes:
    """An .xlsx of the rows with one cell a real formula, saved (as programs do) without its result."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx_file(rows, sheet="沟通记录")))
    sheet = book["沟通记录"]
    column = next(c.column for c in sheet[1] if c.value == header)
    sheet.cell(row, column).value = formula
    assert sheet.cell(row, column).data_type == "f"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def comm_xlsx(f: Facts) -> bytes:
    return xlsx_file(numbered(communication, f), sheet="沟通记录")


def only_instructions(f: Facts) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = files.INSTRUCTIONS_SHEET
    ws.append(["请在“沟通记录”中填写"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def many_rows(f: Facts, count: int) -> list[dict[str, object]]:
    return [communication(f, i % 4) for i in range(count)]


# ---- the cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    file_name: str
    build: Callable[[Facts], bytes]
    refused: tuple[str, ...] = ()  # FileRefused: fragments of its message
    # ImportBlocked: exactly these problems, as (row, column header, fragment); fragments may name {f.…} facts
    problems: tuple[tuple[int, str, str], ...] = ()
    denied: str = ""  # WriteRefused: a fragment of its message
    user: str = "dean"
    limits: dict[str, int] = field(default_factory=dict)  # files.MAX_* made small for this case
    hidden: Callable[[Facts], tuple[str, ...]] = lambda f: ()  # texts no message may contain


def bad_cell(
    id: str,
    kind: str,
    good: Callable[[Facts, int], dict[str, object]],
    bad: dict[str, object] | Callable[[Facts], dict[str, object]],
    column: str,
    fragment: str,
    **more: object,
) -> Case:
    """A file whose row 5 has one wrong cell: exactly one problem, at row 5 in that column."""

    def build(f: Facts) -> bytes:
        values = bad(f) if callable(bad) else bad
        return csv_file(numbered(good, f, values))

    return Case(id, kind, f"{id}.csv", build, problems=((5, column, fragment),), **more)


CASES: list[Case] = [
    # -- the file as a whole: encodings and formats
    Case("empty-file", "communications", "沟通记录.csv", lambda f: b"", refused=("空的", "0 字节")),
    Case(
        "empty-xlsx-name",
        "communications",
        "沟通记录.xlsx",
        lambda f: b"",
        refused=("0 字节",),
    ),
    Case(
        "undecodable-bytes",
        "communications",
        "沟通记录.csv",
        lambda f: "沟通日期,班级,沟通方式\n".encode() + b"2026-10-08,\x81\x20\xff,\x80\n",
        refused=("无法识别文件的编码", "CSV UTF-8"),
    ),
    Case(
        "binary-named-csv",
        "communications",
        "沟通记录.csv",
        lambda f: b"\x00\x01\x02\x03binary\x00" * 20,
        refused=("内容不是文本",),
    ),
    Case(
        "gbk-csv-with-a-wrong-cell",  # the GBK file is read right: the wrong channel is quoted back in Chinese
        "communications",
        "沟通记录-gbk.csv",
        lambda f: csv_file(numbered(communication, f, {"沟通方式": "飞鸽传书"}), encoding="gbk"),
        problems=((5, "沟通方式", "“飞鸽传书”不是本校的沟通方式"),),
    ),
    Case(
        "utf16-tab-csv-with-a-wrong-cell",
        "communications",
        "沟通记录-utf16.txt",
        lambda f: csv_file(numbered(communication, f, {"沟通日期": "下周三"}), encoding="utf-16", delimiter="\t"),
        problems=((5, "沟通日期", "“下周三”不是日期"),),
    ),
    Case(
        "old-xls-ole",
        "communications",
        "沟通记录.xls",
        lambda f: files.OLE_MAGIC + b"\x00" * 512,
        refused=("旧版 .xls", "另存为"),
    ),
    Case(
        "ole-named-xlsx",  # a password-protected .xlsx is an OLE file too
        "communications",
        "沟通记录.xlsx",
        lambda f: files.OLE_MAGIC + b"\x00" * 512,
        refused=("有密码保护",),
    ),
    Case(
        "xlsx-name-csv-content",
        "communications",
        "沟通记录.xlsx",
        lambda f: csv_file(numbered(communication, f)),
        refused=("文件名是 .xlsx", "不是 Excel 工作簿"),
    ),
    Case(
        "csv-name-xlsx-content",
        "communications",
        "沟通记录.csv",
        comm_xlsx,
        refused=("文件名是 .csv", "内容是 Excel 工作簿"),
    ),
    Case(
        "unknown-extension",
        "communications",
        "沟通记录.pdf",
        lambda f: b"%PDF-1.4 not a spreadsheet",
        refused=(".xlsx 或 .csv",),
    ),
    Case(
        "corrupt-zip",
        "communications",
        "沟通记录.xlsx",
        lambda f: comm_xlsx(f)[:1500],
        refused=("已损坏",),
    ),
    Case(
        "zip-not-a-workbook",
        "communications",
        "沟通记录.xlsx",
        lambda f: zip_of({"readme.txt": "你好".encode(), "photo.jpg": b"\xff\xd8\xff" + b"\x00" * 64}),
        refused=("不是 Excel 工作簿",),
    ),
    Case(
        "zip-too-big-unzipped",
        "communications",
        "沟通记录.xlsx",
        comm_xlsx,
        refused=("解压后过大",),
        limits={"MAX_UNZIPPED_BYTES": 1000},
    ),
    Case(
        "only-the-instructions-sheet",
        "communications",
        "沟通记录.xlsx",
        only_instructions,
        refused=("只有“填写说明”",),
    ),
    Case(
        "entity-bomb-in-worksheet",
        "communications",
        "沟通记录.xlsx",
        lambda f: hand_made_xlsx(sheet_doctype=ENTITY_BOMB, sheet_cell=BOMB_REFERENCE),
        refused=("不安全",),
    ),
    Case(
        "external-entity-in-worksheet",
        "communications",
        "沟通记录.xlsx",
        lambda f: hand_made_xlsx(sheet_doctype=EXTERNAL_ENTITY, sheet_cell=EXTERNAL_REFERENCE),
        refused=("不安全",),
        hidden=lambda f: ("root:",),
    ),
    Case(
        "entity-bomb-in-workbook",
        "communications",
        "沟通记录.xlsx",
        lambda f: hand_made_xlsx(workbook_doctype=ENTITY_BOMB, sheet_name=BOMB_REFERENCE),
        refused=("不安全",),
    ),
    Case(
        "external-entity-in-workbook",
        "communications",
        "沟通记录.xlsx",
        lambda f: hand_made_xlsx(workbook_doctype=EXTERNAL_ENTITY, sheet_name=EXTERNAL_REFERENCE),
        refused=("不安全",),
        hidden=lambda f: ("root:",),
    ),
    Case(
        "entity-declared-in-workbook",  # declared, used nowhere: still no business in a workbook
        "communications",
        "沟通记录.xlsx",
        lambda f: hand_made_xlsx(workbook_doctype='<!DOCTYPE x [<!ENTITY word "三(2)班">]>'),
        refused=("不安全",),
    ),
    # -- the file as a whole: size, headers, shape
    Case(
        "too-large",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file(many_rows(f, 12_000)),
        refused=("MB", "上限", "分成几个文件"),
        limits={"MAX_FILE_BYTES": 1024 * 1024},
    ),
    Case(
        "too-many-rows-csv",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file(many_rows(f, 60)),
        refused=("超过 5 行的上限",),
        limits={"MAX_ROWS": 5},
    ),
    Case(
        "too-many-rows-xlsx",
        "communications",
        "沟通记录.xlsx",
        lambda f: xlsx_file(many_rows(f, 60), sheet="沟通记录"),
        refused=("沟通记录", "超过 5 行的上限"),
        limits={"MAX_ROWS": 5},
    ),
    Case(
        "only-headers",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file([], headers=list(communication(f, 0))),
        refused=("只有表头",),
    ),
    Case(
        "template-as-downloaded",  # headers and the example row, which is skipped, not imported
        "communications",
        "hxgy导入模板_沟通记录.xlsx",
        lambda f: template_bytes("communications", None),
        refused=("没有可导入的数据行",),
    ),
    Case(
        "headers-not-found",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file([{"序号": "1", "住址": "东湖路 1 号", "邮编": "430000"}] * 3),
        refused=("没有找到“沟通记录”的表头", "沟通日期", "班级", "沟通方式"),
    ),
    Case(
        "missing-required-column",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file([{k: v for k, v in r.items() if k != "沟通方式"} for r in numbered(communication, f)]),
        refused=("第 1 行", "缺少必填列：沟通方式"),
    ),
    Case(
        "duplicated-header",  # 日期 is another name of 沟通日期
        "communications",
        "沟通记录.csv",
        lambda f: csv_file([{**r, "日期": r["沟通日期"]} for r in numbered(communication, f)]),
        refused=("第 1 行", "“日期”出现了两次"),
    ),
    Case(
        "volunteering-uploaded-as-communications",
        "communications",
        "志愿服务.csv",
        lambda f: csv_file(numbered(volunteering, f)),
        refused=("缺少必填列", "志愿服务"),
    ),
    Case(
        "moral-wide-without-dimensions",
        "moral_wide",
        "德育评分.csv",
        lambda f: csv_file([{"学期": f.term, "学号": p.no, "评价主体": "教师评", "体育": "90"} for p in f.head[:4]]),
        refused=("没有任何德育维度列", "文明礼仪"),
    ),
    # -- who may import
    Case(
        "teacher-may-not-import",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file(numbered(communication, f)),
        denied="您无权导入沟通记录",
        user="teacher",
    ),
    Case(
        "principal-may-not-import-the-roster",
        "students",
        "学生名册.csv",
        lambda f: csv_file(numbered(student, f)),
        denied="您无权导入学生名册",
        user="principal",
    ),
    Case(
        "head-teacher-other-class",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file(
            numbered(
                communication,
                f,
                {"班级": f.other_class, "学号": f.other[0].no, "学生姓名": f.other[0].name},
            )
        ),
        problems=((5, "班级", "不是您任教的班级"),),
        user="headteacher",
    ),
    # -- one wrong cell in row 5
    bad_cell("bad-date-text", "communications", communication, {"沟通日期": "下周三"}, "沟通日期", "不是日期"),
    bad_cell(
        "impossible-date", "communications", communication, {"沟通日期": "2025-02-30"}, "沟通日期", "不是存在的日期"
    ),
    bad_cell("future-date", "communications", communication, {"沟通日期": "2026-11-23"}, "沟通日期", "晚于今天"),
    bad_cell(
        "date-before-the-first-term",  # a holiday date counts for a term (issue 15); a date before them all does not
        "communications",
        communication,
        {"沟通日期": "2000-09-01"},
        "沟通日期",
        "早于本校第一个学期",
    ),
    bad_cell("unknown-class", "communications", communication, {"班级": "九(9)班"}, "班级", "没有九(9)班"),
    bad_cell("class-unreadable", "communications", communication, {"班级": "火箭班"}, "班级", "不是班级"),
    bad_cell("unknown-student-no", "communications", communication, {"学号": "1999999999"}, "学号", "不在学生名册中"),
    bad_cell(
        "student-not-in-that-class",
        "communications",
        communication,
        lambda f: {"学号": f.other[1].no, "学生姓名": f.other[1].name},
        "学号",
        "不在{f.head_class}",
    ),
    bad_cell(
        "name-does-not-match-student-no",
        "communications",
        communication,
        lambda f: {"学生姓名": f.other[2].name},
        "学生姓名",
        "姓名不一致",
        hidden=lambda f: (f.head[3].name,),
    ),
    bad_cell("unknown-channel", "communications", communication, {"沟通方式": "飞鸽传书"}, "沟通方式", "不是本校"),
    bad_cell("unknown-topic", "communications", communication, {"沟通内容": "天气"}, "沟通内容", "不是本校的沟通内容"),
    bad_cell("direction-garbage", "communications", communication, {"方向": "双向"}, "方向", "应填：学校→家庭"),
    bad_cell("duration-zero", "communications", communication, {"时长(分钟)": "0"}, "时长(分钟)", "1 到 600"),
    bad_cell("duration-too-long", "communications", communication, {"时长(分钟)": "601"}, "时长(分钟)", "1 到 600"),
    bad_cell("duration-not-whole", "communications", communication, {"时长(分钟)": "12.5"}, "时长(分钟)", "应是整数"),
    bad_cell("yes-no-garbage", "communications", communication, {"需要跟进": "也许"}, "需要跟进", "应填“是”或“否”"),
    bad_cell("unknown-staff-no", "communications", communication, {"教师工号": "T9999"}, "教师工号", "不在教职工名单"),
    bad_cell(
        "summary-longer-than-2000",
        "communications",
        communication,
        {"简要记录": "家" * 2001},
        "简要记录",
        "不能超过 2000 个字（现有 2001 个）",
    ),
    Case(
        "formula-injection-in-student-no",
        "communications",
        "沟通记录.xlsx",
        lambda f: xlsx_file(numbered(communication, f, {"学号": "=cmd|' /C calc'!A0"}), sheet="沟通记录"),
        problems=((5, "学号", "不在学生名册中"),),
    ),
    bad_cell(
        "sql-injection-in-class",
        "communications",
        communication,
        {"班级": "'; DROP TABLE student; --"},
        "班级",
        "不是班级",
    ),
    bad_cell("hours-zero", "volunteering", volunteering, {"时长(小时)": "0"}, "时长(小时)", "应大于 0 且不超过 12"),
    bad_cell("hours-thirteen", "volunteering", volunteering, {"时长(小时)": "13"}, "时长(小时)", "不超过 12 小时"),
    bad_cell(
        "unknown-guardian", "volunteering", volunteering, {"家长姓名": "查无此人"}, "家长姓名", "没有名为“查无此人”"
    ),
    bad_cell(
        "unknown-activity", "volunteering", volunteering, {"志愿项目": "放风筝"}, "志愿项目", "不是本校的志愿项目"
    ),
    bad_cell(
        "reply-before-received", "requests", request, {"答复时间": "2026-10-01 09:00"}, "答复时间", "不能早于收到时间"
    ),
    bad_cell("reply-without-text", "requests", request, {"答复内容": ""}, "答复内容", "也要填写答复内容"),
    bad_cell("received-time-wrong", "requests", request, {"收到时间": "2026-10-05 25:70"}, "收到时间", "时间不对"),
    bad_cell("score-101", "moral_long", moral, {"分数": "101"}, "分数", "0 到 100"),
    bad_cell("unknown-dimension", "moral_long", moral, {"评价维度": "体育精神"}, "评价维度", "不是本校的德育维度"),
    bad_cell("unknown-rater", "moral_long", moral, {"评价主体": "校长评"}, "评价主体", "不是本校的评价主体"),
    bad_cell("unknown-term", "moral_long", moral, {"学期": "2030-2031学年第一学期"}, "学期", "不是本校已设置的学期"),
    bad_cell(
        "satisfied-more-than-respondents", "satisfaction", satisfaction, {"满意人数": "46"}, "满意人数", "多于答卷人数"
    ),
    bad_cell("respondents-not-whole", "satisfaction", satisfaction, {"答卷人数": "45.5"}, "答卷人数", "应是整数"),
    bad_cell(
        "respondents-zero", "satisfaction", satisfaction, {"答卷人数": "0", "满意人数": "0"}, "答卷人数", "不能小于 1"
    ),
    bad_cell("count-not-a-number", "activities", activity, {"参与学生人次": "四十个"}, "参与学生人次", "不是数字"),
    bad_cell("gender-garbage", "students", student, {"性别": "未知"}, "性别", "应填：男、女"),
    bad_cell("birth-in-the-future", "students", student, {"出生日期": "2027-01-01"}, "出生日期", "不能晚于今天"),
    bad_cell("relation-garbage", "guardians", guardian, {"关系": "邻居"}, "关系", "应填：父亲"),
    bad_cell("phone-garbage", "guardians", guardian, {"联系电话": "打不通"}, "联系电话", "不是电话号码"),
    # -- rows that are each fine but together are not
    Case(
        "duplicate-volunteering-rows",
        "volunteering",
        "志愿服务.csv",
        lambda f: csv_file(duplicated(volunteering, f)),
        problems=((6, "", "与第 5 行是同一条记录"),),
    ),
    Case(
        "duplicate-moral-scores",
        "moral_long",
        "德育评分.csv",
        lambda f: csv_file(duplicated(moral, f)),
        problems=((6, "", "与第 5 行是同一条记录"),),
    ),
    Case(
        "duplicate-satisfaction-rows",
        "satisfaction",
        "满意度.csv",
        lambda f: csv_file(duplicated(satisfaction, f)),
        problems=((6, "", "与第 5 行是同一条记录"),),
    ),
    Case(
        "several-problems-all-reported",
        "communications",
        "沟通记录.csv",
        lambda f: csv_file(
            [
                communication(f, 0),
                {**communication(f, 1), "沟通日期": "2026-12-01", "沟通方式": "信鸽"},
                communication(f, 2),
                {**communication(f, 3), "时长(分钟)": "一小时", "需要跟进": "?"},
            ]
        ),
        problems=(
            (3, "沟通日期", "晚于今天"),
            (3, "沟通方式", "不是本校的沟通方式"),
            (5, "时长(分钟)", "不是数字"),
            (5, "需要跟进", "应填“是”或“否”"),
        ),
    ),
]


def table_counts(engine: Engine) -> dict[str, int]:
    """The number of rows of every table."""
    with Session(engine) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def test_the_corpus_is_large_and_its_names_unique() -> None:
    assert len(CASES) >= 35
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_file_is_refused_with_its_reason_and_writes_nothing(
    case: Case, facts: Facts, demo_copy_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = case.build(facts)
    for name, value in case.limits.items():
        monkeypatch.setattr(files, name, value)
    engine = db.create_db_engine(demo_copy_url)
    try:
        before = table_counts(engine)
        with Session(engine) as session:
            user = load_user(session, case.user)
            assert user is not None
            try:
                result = run_import(session, user, case.kind, case.file_name, data, today=DEMO_ANCHOR)
            except (FileRefused, ImportBlocked, WriteRefused) as exc:
                error = exc
            else:
                pytest.fail(f"the file was imported: {result}")
            session.commit()  # whatever the import left pending would be written now: there must be nothing
        after = table_counts(engine)
        changed = {t: after[t] - before[t] for t in after if after[t] != before[t]}
        messages = [str(error)]
        if case.denied:
            assert isinstance(error, WriteRefused), error
            assert case.denied in str(error)
            assert changed == {"audit_log": 1}, changed  # the refusal, logged by design; nothing else
            with Session(engine) as session:
                last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(1)).one()
                assert (last.action, last.username) == ("denied", case.user)
        elif case.refused:
            assert isinstance(error, FileRefused), f"{type(error).__name__}: {error}"
            for fragment in case.refused:
                assert fragment in str(error), f"“{fragment}” not in “{error}”"
            assert changed == {}, changed
        else:
            assert isinstance(error, ImportBlocked), f"{type(error).__name__}: {error}"
            problems = error.plan.problems
            messages += [str(p) for p in problems]
            found = [(p.row, p.column) for p in problems]
            assert found == [(row, column) for row, column, _ in case.problems], [str(p) for p in problems]
            for problem, (_row, _column, fragment) in zip(problems, case.problems, strict=True):
                wanted = fragment.format(f=facts)
                assert wanted in problem.message, f"“{wanted}” not in “{problem}”"
                assert str(problem.row) in str(problem)
            assert changed == {}, changed
        for secret in case.hidden(facts):
            assert all(secret not in m for m in messages), (secret, messages)
    finally:
        engine.dispose()


def test_the_hand_made_workbook_is_read_when_it_holds_no_entities() -> None:
    """The entity cases are refused for their entities, not because the hand-made workbook is broken."""
    table = files.read_table("沟通记录.xlsx", hand_made_xlsx())
    assert table.source == "沟通记录"
    assert table.rows == [(1, list(SAFE_HEADERS)), (2, list(SAFE_ROW))]
