"""Who may do what, for which classes: the one rights table of the app.

Every role name lives here (its Chinese label in hxgy.glossary.ROLE_LABELS). ``TABLE`` gives each
(role, action) a scope; a pair not listed is ``Scope.NONE``. Navigation, the write functions of hxgy.entry,
the reads of names, the importers and the exporters all ask ``allowed`` / ``may`` / ``class_scope``;
tests/unit/test_rights_matrix.py is generated from the same table and drives the real entry points.

"My classes" has one definition, ``my_class_ids``: the classes the user's staff record is assigned to
(ClassAssignment) in the school year that contains a given day. Two rights use another year, each named
and explained: ``Scope.TAUGHT_CLASSES`` (``taught_class_ids``, any year) and the forms' summer rule in
hxgy.queries.entry.writable_classes (the year of the term a record counts for).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from hxgy.auth import CurrentUser


class Role(StrEnum):
    """An account's role (UserAccount.role); labels in hxgy.glossary.ROLE_LABELS."""

    ADMIN = "admin"
    DISTRICT = "district"
    PRINCIPAL = "principal"
    DEAN = "dean"
    HEAD_TEACHER = "head_teacher"
    TEACHER = "teacher"
    MEETING = "meeting"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)  # the column constraint's list, in display order
SCHOOL_ROLES = frozenset(Role) - {Role.DISTRICT}  # every account of these roles belongs to a school
# accounts whose classes come from the member of staff they are linked to (ClassAssignment)
STAFF_LINKED_ROLES = frozenset({Role.HEAD_TEACHER, Role.TEACHER})


class Scope(StrEnum):
    """For which classes (or which part of the county) a role may do an action."""

    NONE = "none"
    SCHOOL = "school"  # every class of the user's school, and records without a class
    OWN_CLASSES = "own_classes"  # my_class_ids: this school year's classes of the user's staff record
    # taught_class_ids: any class the staff record is or was assigned to, whatever its school year. A class
    # belongs to one school year and a record's date must fall in its class's year (entry.rules.check_class_term),
    # so this lets a teacher enter a 暑期家访 for next year's class in August, correct last year's records of
    # the class they taught then, and import or export them; it never reaches a class they did not teach.
    TAUGHT_CLASSES = "taught_classes"
    HEAD_CLASSES = "head_classes"  # my_class_ids(head_only=True): the classes the staff record is 班主任 of
    DISTRICT = "district"  # every school of the user's district, as figures only


class Action(StrEnum):
    """Something a signed-in user does; each page, write, read of names, import and export names one."""

    VIEW_FIGURES = "view_figures"  # 总览 and the four measure pages: figures of classes, grades, the school
    VIEW_NAMES = "view_names"  # students' and guardians' names, a child's own records and scores
    VIEW_FLAGS = "view_flags"  # 留守/单亲/困难 on 学生档案
    DOWNLOAD = "download"  # Excel of what is on screen (the meeting screen offers none)
    REPORT = "report"  # 学期报告
    VIEW_COMPLIANCE = "view_compliance"  # 合规: the school's 工作要求 per class (a 班主任: own classes)
    MEETING_SCREEN = "meeting_screen"  # 会议投屏
    DISTRICT_VIEW = "district_view"  # 全区
    OWN_ACCOUNT = "own_account"  # 我的账户: change one's own password
    WRITE_CONTACT = "write_contact"  # 沟通记录: enter, correct, delete
    WRITE_REQUEST = "write_request"  # 家长诉求 and its reply
    WRITE_VOLUNTEERING = "write_volunteering"  # 志愿服务
    CONFIRM_VOLUNTEERING = "confirm_volunteering"  # mark volunteer hours as checked
    WRITE_MORAL = "write_moral"  # 德育评分 (the grid, read to be filled in, and saved)
    WRITE_ACTIVITY = "write_activity"  # 协同活动
    WRITE_SATISFACTION = "write_satisfaction"  # 满意度
    MANAGE_SETTINGS = "manage_settings"  # years, terms, classes, staff, lists, weights, targets, limits
    MANAGE_ACCOUNTS = "manage_accounts"  # the school's accounts
    MANAGE_ADMIN_ACCOUNTS = "manage_admin_accounts"  # create or change an admin account
    AUDIT = "audit"  # 操作日志, and every account's imports in the import history (others see their own)
    IMPORT_STUDENTS = "import_students"
    IMPORT_GUARDIANS = "import_guardians"
    IMPORT_STAFF = "import_staff"
    IMPORT_PARTNERS = "import_partners"
    IMPORT_COMMITTEE = "import_committee"  # 家委会名单
    IMPORT_COMMUNICATIONS = "import_communications"
    IMPORT_REQUESTS = "import_requests"
    IMPORT_VOLUNTEERING = "import_volunteering"
    IMPORT_ACTIVITIES = "import_activities"
    IMPORT_GUIDANCE_ATTENDANCE = "import_guidance_attendance"  # 家长学校签到
    IMPORT_MORAL_LONG = "import_moral_long"
    IMPORT_MORAL_WIDE = "import_moral_wide"
    IMPORT_SATISFACTION = "import_satisfaction"
    EXPORT_STUDENTS = "export_students"
    EXPORT_GUARDIANS = "export_guardians"
    EXPORT_STAFF = "export_staff"
    EXPORT_PARTNERS = "export_partners"
    EXPORT_COMMITTEE = "export_committee"
    EXPORT_COMMUNICATIONS = "export_communications"
    EXPORT_REQUESTS = "export_requests"
    EXPORT_VOLUNTEERING = "export_volunteering"
    EXPORT_ACTIVITIES = "export_activities"
    EXPORT_GUIDANCE_ATTENDANCE = "export_guidance_attendance"
    EXPORT_MORAL_LONG = "export_moral_long"
    EXPORT_MORAL_WIDE = "export_moral_wide"
    EXPORT_SATISFACTION = "export_satisfaction"


ADMIN, DISTRICT, PRINCIPAL, DEAN = Role.ADMIN, Role.DISTRICT, Role.PRINCIPAL, Role.DEAN
HEAD, TEACHER, MEETING = Role.HEAD_TEACHER, Role.TEACHER, Role.MEETING
A = Action
S = Scope


_SCHOOL_VIEW: dict[str, Scope] = {
    ADMIN: S.SCHOOL,
    PRINCIPAL: S.SCHOOL,
    DEAN: S.SCHOOL,
    HEAD: S.SCHOOL,
    TEACHER: S.SCHOOL,
}
_CLASS_RECORD: dict[str, Scope] = {
    ADMIN: S.SCHOOL,
    PRINCIPAL: S.SCHOOL,
    DEAN: S.SCHOOL,
    HEAD: S.TAUGHT_CLASSES,
    TEACHER: S.TAUGHT_CLASSES,
}
_ROSTER_FILE: dict[str, Scope] = {ADMIN: S.SCHOOL, DEAN: S.SCHOOL}
_RECORD_FILE: dict[str, Scope] = {ADMIN: S.SCHOOL, PRINCIPAL: S.SCHOOL, DEAN: S.SCHOOL, HEAD: S.TAUGHT_CLASSES}
_SETTINGS: dict[str, Scope] = {ADMIN: S.SCHOOL, DEAN: S.SCHOOL}

TABLE: dict[Action, Mapping[str, Scope]] = {
    A.VIEW_FIGURES: _SCHOOL_VIEW,
    A.VIEW_NAMES: {ADMIN: S.SCHOOL, PRINCIPAL: S.SCHOOL, DEAN: S.SCHOOL, HEAD: S.OWN_CLASSES, TEACHER: S.OWN_CLASSES},
    # the flags of a student: school-wide roles, and a teacher only for the classes they are 班主任 of this year
    A.VIEW_FLAGS: {ADMIN: S.SCHOOL, PRINCIPAL: S.SCHOOL, DEAN: S.SCHOOL, HEAD: S.HEAD_CLASSES, TEACHER: S.HEAD_CLASSES},
    A.DOWNLOAD: {**_SCHOOL_VIEW, DISTRICT: S.DISTRICT},
    A.REPORT: {ADMIN: S.SCHOOL, PRINCIPAL: S.SCHOOL, DEAN: S.SCHOOL},
    # 合规 names the students behind a rule, flagged ones too: the roles and classes that may see flags
    A.VIEW_COMPLIANCE: {
        ADMIN: S.SCHOOL,
        PRINCIPAL: S.SCHOOL,
        DEAN: S.SCHOOL,
        HEAD: S.HEAD_CLASSES,
        TEACHER: S.HEAD_CLASSES,
    },
    A.MEETING_SCREEN: {**_SCHOOL_VIEW, MEETING: S.SCHOOL},
    A.DISTRICT_VIEW: {DISTRICT: S.DISTRICT},
    A.OWN_ACCOUNT: {**_SCHOOL_VIEW, DISTRICT: S.DISTRICT},
    A.WRITE_CONTACT: _CLASS_RECORD,
    A.WRITE_REQUEST: _CLASS_RECORD,
    A.WRITE_VOLUNTEERING: _CLASS_RECORD,
    A.CONFIRM_VOLUNTEERING: {**_CLASS_RECORD, HEAD: S.HEAD_CLASSES, TEACHER: S.HEAD_CLASSES},
    A.WRITE_MORAL: _CLASS_RECORD,
    # a teacher enters class activities of this year's classes (of the activity's date), changes none
    A.WRITE_ACTIVITY: {**_CLASS_RECORD, HEAD: S.OWN_CLASSES, TEACHER: S.OWN_CLASSES},
    A.WRITE_SATISFACTION: _CLASS_RECORD,
    A.MANAGE_SETTINGS: _SETTINGS,
    A.MANAGE_ACCOUNTS: _SETTINGS,
    A.MANAGE_ADMIN_ACCOUNTS: {ADMIN: S.SCHOOL},
    A.AUDIT: _SETTINGS,
    A.IMPORT_STUDENTS: _ROSTER_FILE,
    A.IMPORT_GUARDIANS: _ROSTER_FILE,
    A.IMPORT_STAFF: _ROSTER_FILE,
    A.IMPORT_PARTNERS: _SETTINGS,  # 合作单位 are a setting of the school (设置 → 合作单位)
    A.IMPORT_COMMITTEE: _SETTINGS,  # the 家委会 too (设置 → 家委会)
    A.IMPORT_COMMUNICATIONS: _RECORD_FILE,
    A.IMPORT_REQUESTS: _RECORD_FILE,
    A.IMPORT_VOLUNTEERING: _RECORD_FILE,
    A.IMPORT_ACTIVITIES: _RECORD_FILE,
    A.IMPORT_GUIDANCE_ATTENDANCE: _RECORD_FILE,
    A.IMPORT_MORAL_LONG: _RECORD_FILE,
    A.IMPORT_MORAL_WIDE: _RECORD_FILE,
    A.IMPORT_SATISFACTION: _RECORD_FILE,
    A.EXPORT_STUDENTS: _ROSTER_FILE,
    A.EXPORT_GUARDIANS: _ROSTER_FILE,
    A.EXPORT_STAFF: _ROSTER_FILE,
    A.EXPORT_PARTNERS: _SETTINGS,
    A.EXPORT_COMMITTEE: _SETTINGS,
    A.EXPORT_COMMUNICATIONS: _RECORD_FILE,
    A.EXPORT_REQUESTS: _RECORD_FILE,
    A.EXPORT_VOLUNTEERING: _RECORD_FILE,
    A.EXPORT_ACTIVITIES: _RECORD_FILE,
    A.EXPORT_GUIDANCE_ATTENDANCE: _RECORD_FILE,
    A.EXPORT_MORAL_LONG: _RECORD_FILE,
    A.EXPORT_MORAL_WIDE: _RECORD_FILE,
    A.EXPORT_SATISFACTION: _RECORD_FILE,
}
WRITE_ACTIONS = (
    A.WRITE_CONTACT, A.WRITE_REQUEST, A.WRITE_VOLUNTEERING, A.WRITE_MORAL, A.WRITE_ACTIVITY, A.WRITE_SATISFACTION
)  # fmt: skip
TRANSFER_ACTIONS = tuple(a for a in Action if a.startswith(("import_", "export_")))  # 导入导出, by kind
CLASS_SCOPES = frozenset({S.OWN_CLASSES, S.TAUGHT_CLASSES, S.HEAD_CLASSES})


def allowed(role: str, action: Action) -> Scope:
    """The scope in which ``role`` may do ``action`` (Scope.NONE: not at all; an unknown role: nothing)."""
    return TABLE[action].get(role, Scope.NONE)  # a Role is its name: TABLE[a]['dean'] is TABLE[a][Role.DEAN]


def roles_for(action: Action) -> frozenset[str]:
    """The roles that may do ``action`` in some scope."""
    return frozenset(role for role, scope in TABLE[action].items() if scope is not Scope.NONE)


def any_allowed(role: str, actions: Iterable[Action]) -> bool:
    """Whether ``role`` may do at least one of ``actions``."""
    return any(allowed(role, action) is not Scope.NONE for action in actions)


def import_action(kind_key: str) -> Action:
    """The action of importing a file of a kind of hxgy.transfer.kinds (its key: students, communications …)."""
    return Action(f"import_{kind_key}")


def export_action(kind_key: str) -> Action:
    """The action of exporting a kind of hxgy.transfer.kinds."""
    return Action(f"export_{kind_key}")


# ---- my classes ---------------------------------------------------------------------------------


def my_class_ids(session: Session, *, staff_id: int | None, on_day: date, head_only: bool = False) -> list[int]:
    """My classes: those a member of staff is assigned to in the school year that contains ``on_day``.

    ``head_only``: only the classes they are 班主任 of. No staff record, no classes.
    """
    from hxgy.models import ClassAssignment, SchoolClass, SchoolYear  # hxgy.models reads ROLES from here
    from hxgy.models.people import HEAD_TEACHER

    if staff_id is None:
        return []
    stmt = (
        select(ClassAssignment.class_id)
        .join(SchoolClass, SchoolClass.id == ClassAssignment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(ClassAssignment.staff_id == staff_id)
        .where(SchoolYear.start_date <= on_day, SchoolYear.end_date >= on_day)
        .distinct()
        .order_by(ClassAssignment.class_id)
    )
    if head_only:
        stmt = stmt.where(ClassAssignment.role == HEAD_TEACHER)
    return list(session.scalars(stmt))


def taught_class_ids(session: Session, *, staff_id: int | None) -> frozenset[int]:
    """Every class a member of staff is or was assigned to, in any school year (Scope.TAUGHT_CLASSES).

    Not "my classes": this is for writing, importing and exporting the records of a class, which may be
    last year's class (a correction) or next year's (a 暑期家访 in August); the record's date keeps it in
    its class's school year. Reading names uses my_class_ids.
    """
    from hxgy.models import ClassAssignment  # hxgy.models reads ROLES from here

    if staff_id is None:
        return frozenset()
    return frozenset(session.scalars(select(ClassAssignment.class_id).where(ClassAssignment.staff_id == staff_id)))


def class_scope(
    session: Session, user: CurrentUser, action: Action, *, on_day: date | None = None
) -> frozenset[int] | None:
    """The classes the user may do ``action`` for: None means every class of their school (or district).

    ``on_day`` picks the school year of Scope.OWN_CLASSES and Scope.HEAD_CLASSES (required for those). An empty
    set: none.
    """
    scope = allowed(user.role, action)
    if scope in (Scope.SCHOOL, Scope.DISTRICT):
        return None
    if scope is Scope.TAUGHT_CLASSES:
        return taught_class_ids(session, staff_id=user.staff_id)
    if scope in (Scope.OWN_CLASSES, Scope.HEAD_CLASSES):
        if on_day is None:
            raise ValueError(f"{action}: {scope} needs the day whose school year counts")
        head_only = scope is Scope.HEAD_CLASSES
        return frozenset(my_class_ids(session, staff_id=user.staff_id, on_day=on_day, head_only=head_only))
    return frozenset()


def may(
    session: Session, user: CurrentUser, action: Action, class_id: int | None = None, *, on_day: date | None = None
) -> bool:
    """Whether the user may do ``action`` for the class (None: for the school as a whole, no class named).

    ``on_day`` as for class_scope. The class must also be of the user's school; callers that load it check that.
    """
    scope = allowed(user.role, action)
    if scope is Scope.NONE:
        return False
    if class_id is None:
        return scope in (Scope.SCHOOL, Scope.DISTRICT)
    classes = class_scope(session, user, action, on_day=on_day)
    return classes is None or class_id in classes


def school_wide(role: str, *actions: Action) -> bool:
    """Whether ``role`` may do each of ``actions`` for every class of its school (no class check needed)."""
    return all(allowed(role, action) is Scope.SCHOOL for action in actions)


def can(role: str, action: Action) -> bool:
    """Whether ``role`` may do ``action`` at all (for some classes at least)."""
    return allowed(role, action) is not Scope.NONE
