"""See: everything stored about one student and their family, as one Word document (.docx) a parent can read.

Everything comes from ``hxgy.privacy.story.student_story``, which reads every table that refers to the student or
to a guardian of the family: the student's record and flags, the family and its guardians (full phone numbers: it is
the family's own data), the classes, the communication records, the requests, the volunteer hours, the 德育 scores.
Records withdrawn (soft-deleted) are still stored, so they are listed too, 已撤销 written in their row. Of the
activities, the family's own are its guardians' sign-ins (家长学校签到) and its places on a 家委会; the rest
(家长会, 开放日 …) is counted per class.
A4 with the term report's margins; a record's table has few columns a parent can read.

``family_file`` only reads; the page serves the file with ``hxgy.ui.downloads.private_download``, which writes the
export in the audit log (who, what, how many rows).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt
from sqlalchemy.orm import Session

from hxgy.models import School
from hxgy.privacy.story import Flags, NotThisSchool, student_story
from hxgy.report.document import BODY_FONT, HEADING_FONT, page_setup, set_east_asian_font

__all__ = ["NotThisSchool", "family_file"]

WITHDRAWN = "已撤销"
YES_NO = {True: "是", False: "否"}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class _Writer:
    """A plain document: title, headings, key–value lines and tables, Chinese fonts set."""

    def __init__(self) -> None:
        self.doc: DocxDocument = Document()
        page_setup(self.doc.sections[0])  # A4, the term report's margins (python-docx's default is US Letter)
        for name, font in (("Normal", BODY_FONT), ("Title", HEADING_FONT), ("Heading 1", HEADING_FONT)):
            set_east_asian_font(self.doc.styles[name], font)
        self.doc.styles["Normal"].font.size = Pt(11)
        set_east_asian_font(self.doc.styles["Table Grid"], BODY_FONT)
        self.rows = 0

    def heading(self, text: str) -> None:
        self.doc.add_heading(text, level=1)

    def line(self, text: str) -> None:
        self.doc.add_paragraph(text)

    def fields(self, pairs: Sequence[tuple[str, object]]) -> None:
        for label, value in pairs:
            self.doc.add_paragraph(f"{label}：{_text(value) or '—'}")

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        empty: str,
        widths: Sequence[float] | None = None,
    ) -> None:
        """A table with one row per record (counted in ``rows``), or ``empty`` when there is none.

        ``widths``: each column's width in cm (the page holds 16.6 cm); without them Word shares the width equally.
        """
        if not rows:
            self.line(empty)
            return
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = header
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = _text(value)
        if widths is not None:
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Cm(width)  # the grid (LibreOffice, WPS) and each cell (Word)
                for cell in column.cells:
                    cell.width = Cm(width)
        self.rows += len(rows)

    def data(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _lines(*parts: object) -> str:
    """The non-empty parts, one a line in the cell."""
    return "\n".join(text for text in map(_text, parts) if text)


def _joined(*parts: object) -> str:
    """The non-empty parts on one line, · between."""
    return " · ".join(text for text in map(_text, parts) if text)


def _withdrawn(withdrawn: bool) -> str:
    return f"【{WITHDRAWN}】" if withdrawn else ""


WIDE = (3.2, 3.4, 10.0)  # a record on three columns: when and how, who, what was said (16.6 cm)


def family_file(session: Session, school_id: int, student_id: int, *, today: date) -> tuple[bytes, int]:
    """The .docx of everything stored about the student and their family, and how many records it lists.

    Raises NotThisSchool when the student is not one of the school's.
    """
    story = student_story(session, school_id, student_id)
    school = session.get_one(School, school_id)
    status = story.status
    flags = story.flags or Flags(False, False, False)  # the whole story: its flags are always there
    w = _Writer()
    w.doc.add_heading("学生及家庭个人信息查询结果", level=0)
    w.line(
        f"{school.name}　{status.name}（学号 {status.student_no}）　生成日期 {today:%Y-%m-%d}。"
        "本文件列出学校“家校社协同育人”系统中保存的、与该生及其家庭有关的全部信息，"
        "依据《中华人民共和国个人信息保护法》第四十五条应家长申请提供。"
        "如发现信息有误，请告知班主任或德育处更正；学生离校后，家长可申请删除。"
    )

    w.heading("一、学生基本信息")
    w.fields(
        [
            ("姓名", status.name),
            ("学号", status.student_no),
            ("性别", story.gender),
            ("出生日期", story.birth_date),
            ("入学年份", story.entry_year),
            ("在校情况", status.state(today)),
            ("留守儿童", flags.left_behind),
            ("单亲家庭", flags.single_parent),
            ("困难家庭", flags.hardship),
            ("家庭编号", story.family_code),
            ("家庭住址", story.address),
        ]
    )
    w.rows += 1

    w.heading("二、监护人")
    w.table(
        ["姓名", "关系", "电话", "工作单位", "主要监护人"],
        [[g.name, g.relation, g.phone, g.work_unit, g.is_primary] for g in story.guardians],
        empty="没有登记监护人。",
    )

    w.heading("三、就读班级")
    w.table(
        ["学年", "班级", "入班日期", "离班日期"],
        [[c.school_year, c.class_name, c.start, c.last_day] for c in story.classes],
        empty="没有班级记录。",
    )

    w.heading("四、家校沟通记录")
    w.table(
        ["日期与方式", "班级与教师", "内容"],
        [
            [
                _lines(c.day, c.channel, c.direction),
                _lines(c.class_name, c.staff),
                _lines(
                    _joined(
                        _withdrawn(c.withdrawn),
                        c.topic,
                        f"{c.duration_min} 分钟" if c.duration_min else "",
                        "需跟进" if c.follow_up else "",
                    ),
                    c.summary,
                ),
            ]
            for c in story.contacts
        ],
        empty="没有与该生有关的沟通记录（面向全班的通知不针对个人，不在此列）。",
        widths=WIDE,
    )

    w.heading("五、家长诉求")
    w.table(
        ["收到与答复时间", "班级与监护人", "诉求与答复"],
        [
            [
                _lines(
                    f"收到 {_text(r.received_at)}",
                    r.channel,
                    f"答复 {_text(r.replied_at)}" if r.replied_at else "未答复",
                ),
                _lines(r.class_name, r.guardian, r.category),
                _lines(_joined(_withdrawn(r.withdrawn), r.content), f"答复：{r.reply}" if r.reply else ""),
            ]
            for r in story.requests
        ],
        empty="没有家长诉求记录。",
        widths=WIDE,
    )

    w.heading("六、家长志愿服务")
    w.table(
        ["日期", "监护人", "班级", "项目", "时长（小时）", "已确认", "备注"],
        [
            [
                v.day,
                v.guardian,
                v.class_name,
                v.activity,
                v.hours,
                v.confirmed,
                _joined(_withdrawn(v.withdrawn), v.note),
            ]
            for v in story.volunteering
        ],
        empty="没有志愿服务记录。",
        widths=(2.4, 2.6, 2.0, 2.6, 1.8, 1.6, 3.6),
    )

    w.heading("七、德育评价")
    w.table(
        ["学期", "班级", "维度", "评价主体", "分数"],
        [[r.term, r.class_name, r.dimension, r.rater, r.score] for r in story.ratings],
        empty="没有德育评分记录。",
    )

    w.heading("八、家长学校与家委会")
    w.table(
        ["日期", "家长", "活动", "备注"],
        [[a.day.isoformat(), a.guardian, a.activity, "已撤销" if a.withdrawn else ""] for a in story.attendance],
        empty="没有本家庭家长的家长学校签到记录。",
    )
    w.table(
        ["学年", "家委会", "家长", "职务"],
        [[c.school_year, c.committee, c.guardian, c.position] for c in story.committee],
        empty="本家庭家长没有担任家委会成员。",
    )
    w.line("家长会、开放日、社区实践等其他活动，系统只按班级记录到场人数，不记录某位家长或学生是否参加。")

    w.heading("九、说明")
    w.line(
        "上述信息仅用于学校开展家校沟通、家长志愿服务和德育评价工作，只有需要的教师和管理人员可以查看。"
        "学生离校后，学校按规定的留存年限保存，期满删除；删除后，班级的统计数字保持不变，"
        "但不再能看出是哪一位学生或家长。详见学校提供的《个人信息保护说明》。"
    )
    return w.data(), w.rows
