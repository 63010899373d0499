"""Each kind's rows, one module per kind: a row → a typed record to write (or the problems that stop it), the
records already stored that it matches, and how new and changed records are written.

- base.py           Prepared (what a row asks for), Stored (what it matches), Handler (what every kind does)
- cells.py          the cells every kind shares: a record's date, a class, a student, a category …
- communications.py 沟通记录          - parent_requests.py 家长诉求       - volunteering.py 志愿服务
- activities.py     协同活动          - moral.py        德育评分        - satisfaction.py 满意度
- students.py       学生名册          - guardians.py    监护人          - staff.py        教职工与任课
- committee.py      家委会名单
- partners.py       合作单位          - attendance.py   家长学校签到
"""

from __future__ import annotations

from typing import Any

from hxgy.transfer.kinds import KINDS, Kind
from hxgy.transfer.rows.activities import Activities
from hxgy.transfer.rows.attendance import GuidanceAttendance
from hxgy.transfer.rows.base import Handler, Prepared, Stored
from hxgy.transfer.rows.committee import CommitteeRows
from hxgy.transfer.rows.communications import Communications
from hxgy.transfer.rows.guardians import Guardians
from hxgy.transfer.rows.moral import MoralScores, MoralScoresWide
from hxgy.transfer.rows.parent_requests import Requests
from hxgy.transfer.rows.partners import Partners
from hxgy.transfer.rows.satisfaction import Satisfaction
from hxgy.transfer.rows.staff import StaffRows
from hxgy.transfer.rows.students import Students
from hxgy.transfer.rows.volunteering import Volunteering

__all__ = ["HANDLERS", "Handler", "Prepared", "Stored", "handler_for"]

# each kind's handler works on its own record type; callers take any of them, hence Handler[Any]
HANDLERS: dict[str, type[Handler[Any]]] = {
    "students": Students,
    "guardians": Guardians,
    "staff": StaffRows,
    "partners": Partners,
    "committee": CommitteeRows,
    "communications": Communications,
    "requests": Requests,
    "volunteering": Volunteering,
    "activities": Activities,
    "guidance_attendance": GuidanceAttendance,
    "moral_long": MoralScores,
    "moral_wide": MoralScoresWide,
    "satisfaction": Satisfaction,
}
assert set(HANDLERS) == set(KINDS)


def handler_for(kind: Kind) -> Handler[Any]:
    """The handler of a kind."""
    return HANDLERS[kind.key](kind)
