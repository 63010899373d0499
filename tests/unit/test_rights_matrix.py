"""The rights table of hxgy.rights, role by role and action by action, against the real entry points, on SQLite and
PostgreSQL: what the table allows works, what it refuses is refused by the function that writes, imports or exports
(not only hidden on a page), nothing is written, and the refusal is in the audit log.

``test_every_role_and_action`` is generated from ``rights.TABLE``: a new action without a check here fails.
``test_the_table_is_the_written_policy`` holds the table to the policy of README.md and docs/entry.md, written out:
- records of a class: admin, principal and dean for every class; head and subject teachers for the classes they
  teach (an activity by a teacher only for the classes they teach);
- school-wide records (a request or a survey without a class): admin, principal, dean;
- settings (classes, staff, lists, targets, reply limit, accounts): admin and dean;
- the meeting screen and the district officer write nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import auth, compliance, navigation, rights
from hxgy.entry import accounts, categories, moral_grid, records, school_classes, school_settings
from hxgy.entry.records import ActivityEntry, ContactEntry, RequestEntry, VolunteerEntry
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.metrics.moral import moral_scheme
from hxgy.models import AuditLog, ImportBatch, MoralRater
from hxgy.privacy import story_access
from hxgy.rights import Action, Role, Scope
from hxgy.transfer.exports import export_frame
from hxgy.transfer.history import import_history
from hxgy.transfer.imports import prepare
from hxgy.transfer.kinds import KINDS
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)
OWN, OTHER = "一(1)班", "一(2)班"  # the head and subject teacher teach 一(1)班 only; 王老师 is its 班主任
ROLES = rights.ROLES
STAFF = {Role.HEAD_TEACHER: "王老师", Role.TEACHER: "赵老师"}
HEADS = {Role.HEAD_TEACHER: {OWN}}  # whom each role's staff member is 班主任 of


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    s.add_student("A", OWN)
    s.add_student("D", OTHER)
    for class_name, student in ((OWN, "A"), (OTHER, "D")):
        s.contact(class_name, date(2025, 11, 3), student)
        s.volunteer(class_name, student, date(2025, 11, 4), 2, confirmed=False)
    session.commit()
    yield s
    session.close()


def _user(s: TinySchool, role: str) -> auth.SchoolUser | auth.DistrictUser:
    user = s.user(role, STAFF.get(role), teaches=OWN if role == Role.TEACHER else None)
    s.session.commit()
    if role == Role.DISTRICT:
        return auth.DistrictUser(**{**user.__dict__, "school_id": None})
    return auth.SchoolUser(**user.__dict__)


def _student(class_name: str) -> str:
    return "A" if class_name == OWN else "D"


def reached(role: str, scope: Scope) -> set[str]:
    """The classes of the tiny school a role reaches in a scope (its staff member teaches OWN, heads HEADS)."""
    if scope is Scope.SCHOOL:
        return {OWN, OTHER}
    if scope in (Scope.OWN_CLASSES, Scope.TAUGHT_CLASSES):
        return {OWN} if role in STAFF else set()
    if scope is Scope.HEAD_CLASSES:
        return HEADS.get(role, set())
    return set()


# ---- the writes --------------------------------------------------------------------------------------------------


def contact(s: TinySchool, user, class_name: str) -> None:
    entry = ContactEntry(
        class_id=s.classes[class_name].id,
        contact_date=date(2025, 11, 30),
        channel_id=s.category("channel", "phone"),
        student_id=s.students[_student(class_name)].id,
        summary="电话沟通",
    )
    records.log_contact(s.session, user, entry, today=TODAY)


def request(s: TinySchool, user, class_name: str | None) -> None:
    entry = RequestEntry(
        received_at=datetime(2025, 11, 28, 9),
        channel_id=s.category("request_channel", "mailbox"),
        content="希望增加课后服务",
        class_id=s.classes[class_name].id if class_name else None,
    )
    records.record_request(s.session, user, entry, today=TODAY)


def volunteering(s: TinySchool, user, class_name: str) -> None:
    entry = VolunteerEntry(
        class_id=s.classes[class_name].id,
        guardian_id=s.guardians[_student(class_name)].id,
        activity_id=s.category("volunteer_activity", "gate_duty"),
        service_date=date(2025, 11, 3),
        hours=2,
    )
    records.record_volunteering(s.session, user, entry, today=TODAY)


def survey(s: TinySchool, user, class_name: str | None) -> None:
    class_id = s.classes[class_name].id if class_name else None
    records.save_satisfaction(
        s.session, user, term_id=s.term1.id, class_id=class_id, respondents=10, satisfied=9, today=TODAY
    )


def _rater(s: TinySchool) -> int:
    return s.session.scalar(select(MoralRater.id).where(MoralRater.school_id == s.school.id).limit(1))


def grid(s: TinySchool, user, class_name: str) -> None:
    scheme = moral_scheme(s.session, school_id=s.school.id)
    cell = (s.students[_student(class_name)].id, scheme.dimensions[0][0])
    moral_grid.save_grid(
        s.session, user, class_id=s.classes[class_name].id, term_id=s.term1.id, rater_id=_rater(s), scores={cell: 90},
        today=TODAY,
    )  # fmt: skip


def grid_read(s: TinySchool, user, class_name: str) -> None:
    """Individual scores are read only to be filled in, by whoever may write them."""
    moral_grid.open_grid(s.session, user, class_id=s.classes[class_name].id, term_id=s.term1.id, rater_id=_rater(s))


def activity(s: TinySchool, user, class_name: str | None) -> None:
    class_ids = [s.classes[class_name].id] if class_name else []
    entry = ActivityEntry(
        title=f"{class_name or '全校'}家长会",
        type_id=s.category("activity_type", "parent_meeting"),
        activity_date=date(2025, 11, 20),
        scope="class" if class_name else "school",
        class_ids=class_ids,
        parents_count=1,
        parents_attended={c: 1 for c in class_ids},
    )
    records.record_activity(s.session, user, entry, today=TODAY)


def delete_contact(s: TinySchool, user, class_name: str) -> None:
    from hxgy.models import Communication

    record = s.session.scalar(select(Communication.id).where(Communication.class_id == s.classes[class_name].id))
    records.delete_record(s.session, user, "communication", record, today=TODAY)


def confirm(s: TinySchool, user, class_name: str) -> None:
    from hxgy.models import VolunteerRecord

    record = s.session.scalar(
        select(VolunteerRecord.id).where(VolunteerRecord.class_id == s.classes[class_name].id).limit(1)
    )
    records.confirm_volunteering(s.session, user, [record], today=TODAY)


SETTINGS: dict[str, Callable[[TinySchool, object], object]] = {
    "add_class": lambda s, u: school_classes.add_class(s.session, u, school_year_id=s.year.id, grade=2, class_no=1),
    "add_staff": lambda s, u: school_classes.add_staff(s.session, u, staff_no="T900", name="新老师"),
    "add_category": lambda s, u: categories.add_category(s.session, u, kind="channel", name="视频通话"),
    "set_target": lambda s, u: school_settings.set_target(
        s.session, u, term_id=s.term1.id, measure="home_visit_coverage", value=95
    ),
    "set_response_limit": lambda s, u: school_settings.set_response_limit(s.session, u, 48),
    "set_moral_completion_min": lambda s, u: school_settings.set_moral_completion_min(s.session, u, 80),
    "set_holiday_policy": lambda s, u: school_settings.set_holiday_policy(s.session, u, "previous"),
}


def _account(role: str) -> Callable[[TinySchool, object], object]:
    def create(s: TinySchool, u: object) -> object:
        return accounts.create_account(s.session, u, username=f"new-{role}", display_name="新账户", role=role)

    return create


# ---- what the table says, written out (the policy of README.md and docs/entry.md) ----------------------------------

EVERY_CLASS = {"admin", "principal", "dean"}
OWN_CLASSES = {"head_teacher", "teacher"}
CLASS_RECORDS = {
    "contact": (contact, Action.WRITE_CONTACT, EVERY_CLASS | OWN_CLASSES),
    "request": (request, Action.WRITE_REQUEST, EVERY_CLASS | OWN_CLASSES),
    "volunteering": (volunteering, Action.WRITE_VOLUNTEERING, EVERY_CLASS | OWN_CLASSES),
    "survey": (survey, Action.WRITE_SATISFACTION, EVERY_CLASS | OWN_CLASSES),
    "grid": (grid, Action.WRITE_MORAL, EVERY_CLASS | OWN_CLASSES),
    "activity": (activity, Action.WRITE_ACTIVITY, EVERY_CLASS | OWN_CLASSES),
}
SCHOOL_RECORDS = {"request": (request, Action.WRITE_REQUEST), "survey": (survey, Action.WRITE_SATISFACTION)}
SETTINGS_ROLES = {"admin", "dean"}
# the pages each role opened before the table (navigation's role sets, written out)
SCHOOL_ROLES = set(ROLES) - {"district"}
VIEW_ROLES = SCHOOL_ROLES - {"meeting"}
WRITER_ROLES = {"admin", "principal", "dean", "head_teacher", "teacher"}
PAGE_ROLES = {
    "overview": VIEW_ROLES, "district": {"district"}, "communication": VIEW_ROLES, "volunteers": VIEW_ROLES,
    "moral": VIEW_ROLES, "activities": VIEW_ROLES, "report": {"admin", "principal", "dean"}, "meeting": SCHOOL_ROLES,
    "log_contact": WRITER_ROLES, "volunteer_entry": WRITER_ROLES, "request_entry": WRITER_ROLES,
    "moral_entry": WRITER_ROLES, "activity_entry": WRITER_ROLES, "notice_entry": WRITER_ROLES,
    "satisfaction_entry": WRITER_ROLES,
    "records": WRITER_ROLES, "data_transfer": {"admin", "principal", "dean", "head_teacher"},
    "settings": SETTINGS_ROLES, "audit": SETTINGS_ROLES, "account": set(ROLES) - {"meeting"},
    "todo": WRITER_ROLES, "student": WRITER_ROLES,  # the roles that see names (teachers: own classes)
    "compliance": WRITER_ROLES,  # the roles that see flags (teachers: the classes they head)
}  # fmt: skip
# files of admin and dean (合作单位, 家委会名单: the rights of 设置); a head teacher's files: own classes' records
ROSTERS = {"students", "guardians", "staff", "partners", "committee"}


def test_the_table_is_the_written_policy() -> None:
    for _write, action, roles in CLASS_RECORDS.values():
        assert rights.roles_for(action) == roles
        for role in roles:
            assert (rights.allowed(role, action) is Scope.SCHOOL) == (role in EVERY_CLASS)
    for _write, action in SCHOOL_RECORDS.values():
        assert {r for r in ROLES if rights.allowed(r, action) is Scope.SCHOOL} == EVERY_CLASS
    for action in (Action.MANAGE_SETTINGS, Action.MANAGE_ACCOUNTS, Action.AUDIT):
        assert rights.roles_for(action) == SETTINGS_ROLES
    assert rights.roles_for(Action.MANAGE_ADMIN_ACCOUNTS) == {"admin"}
    # 留守/单亲/困难: school-wide roles, and teachers as 班主任 only
    assert {r for r in ROLES if rights.allowed(r, Action.VIEW_FLAGS) is Scope.SCHOOL} == EVERY_CLASS
    assert {r for r in ROLES if rights.allowed(r, Action.VIEW_FLAGS) is Scope.HEAD_CLASSES} == set(STAFF)
    for page in navigation.PAGES:
        assert page.roles == PAGE_ROLES[page.key], page.key
    for kind in KINDS.values():
        roles = SETTINGS_ROLES if kind.key in ROSTERS else EVERY_CLASS | {"head_teacher"}
        for action in (kind.import_action, kind.export_action):
            assert rights.roles_for(action) == roles
            assert {r for r in roles if rights.allowed(r, action) is Scope.TAUGHT_CLASSES} == roles - EVERY_CLASS
    assert {r for r in ROLES if rights.can(r, Action.DOWNLOAD)} == set(ROLES) - {"meeting"}  # the screen offers none
    assert {a for a in Action if rights.allowed("district", a) is not Scope.NONE} == {
        Action.DISTRICT_VIEW,
        Action.DOWNLOAD,
        Action.OWN_ACCOUNT,
    }
    assert not any(rights.can(r, a) for r in ("meeting", "district") for a in Action if a.startswith("write_"))


def test_every_kind_of_file_has_its_import_and_export_rights() -> None:
    transfer = {a for a in Action if a.startswith(("import_", "export_"))}
    assert transfer == {a for k in KINDS.values() for a in (k.import_action, k.export_action)}


# ---- the matrix: every (role, action) of the table through the real entry points ---------------------------------


def _denials(s: TinySchool) -> int:
    return s.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "denied"))


def _expect(s: TinySchool, allowed: bool, write: Callable[[], object]) -> None:
    before = _denials(s)
    if allowed:
        write()
        s.session.commit()
        assert _denials(s) == before
    else:
        with pytest.raises(WriteRefused):
            write()
        s.session.rollback()
        assert _denials(s) == before + 1, "every refusal is in the audit log"


def _per_class(write: Callable[[TinySchool, object, str], None], *, school_wide: bool = False) -> Callable:
    def check(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
        for class_name in (OWN, OTHER):
            _expect(s, class_name in reached(user.role, scope), lambda c=class_name: write(s, user, c))
        if school_wide:  # no class named: the whole school's
            _expect(s, scope is Scope.SCHOOL, lambda: write(s, user, None))

    return check


def _each(*checks: Callable) -> Callable:
    def check(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
        for one in checks:
            one(s, user, scope)

    return check


def _settings(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    for change in SETTINGS.values():
        _expect(s, scope is Scope.SCHOOL, lambda c=change: c(s, user))


def _accounts(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    _expect(s, scope is Scope.SCHOOL, lambda: _account("meeting")(s, user))


def _admin_accounts(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    if not rights.can(user.role, Action.MANAGE_ACCOUNTS):
        _expect(s, False, lambda: _account("admin")(s, user))
    elif scope is Scope.SCHOOL:
        _expect(s, True, lambda: _account("admin")(s, user))
    else:
        with pytest.raises(InvalidEntry, match="只有管理员可以创建管理员账户"):
            _account("admin")(s, user)
        s.session.rollback()


def _names(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    visible = rights.class_scope(s.session, user, Action.VIEW_NAMES, on_day=TODAY)
    shown = {OWN, OTHER} if visible is None else {n for n in (OWN, OTHER) if s.classes[n].id in visible}
    assert shown == reached(user.role, scope)


def _flags(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    """学生档案's 留守/单亲/困难 as story_access decides them, class by class."""
    shown = {n for n in (OWN, OTHER) if story_access.flags_visible(s.session, user, {s.classes[n].id}, today=TODAY)}
    assert shown == reached(user.role, scope)


def _compliance(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    """合规: the classes whose rules the user sees (hxgy.compliance.visible_classes)."""
    visible = compliance.visible_classes(s.session, user, on_day=TODAY)
    shown = {n for n in (OWN, OTHER) if scope is not Scope.NONE and (visible is None or s.classes[n].id in visible)}
    assert shown == reached(user.role, scope)


def _download(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    assert rights.can(user.role, Action.DOWNLOAD) == (scope is not Scope.NONE)


def _history(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    """Who may read the log sees every account's imports; others only their own."""
    for user_id, name in ((user.id, "mine.csv"), (None, "someone-else.csv")):
        s.session.add(
            ImportBatch(school_id=s.school.id, user_id=user_id, kind="communications", file_name=name, file_sha256="0")
        )
    s.session.commit()
    files = set(import_history(s.session, user)["文件"])
    assert ("someone-else.csv" in files) == (scope is Scope.SCHOOL)
    assert ("mine.csv" in files) == (user.school_id is not None)


def _csv(frame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def _file_of(s: TinySchool, kind: str) -> bytes:
    """The kind's records as the dean exports them: a file the importer reads back."""
    dean = auth.SchoolUser(0, "exporter", "导出", Role.DEAN, s.school.id, "", None)  # no account: nothing is logged
    return _csv(export_frame(s.session, dean, kind, term_id=None, today=TODAY))


def _import(kind: str) -> Callable:
    def check(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
        data = _file_of(s, kind)
        before = _denials(s)
        if scope is Scope.NONE:
            with pytest.raises(WriteRefused):
                prepare(s.session, user, kind, f"{kind}.csv", data, today=TODAY)
            s.session.rollback()
            assert _denials(s) == before + 1
            return
        try:
            plan = prepare(s.session, user, kind, f"{kind}.csv", data, today=TODAY)
        except WriteRefused:
            pytest.fail(f"{user.role} may import {kind} ({scope}) but was refused")
        except ValueError:  # a file without rows (FileRefused) is read, not refused
            return
        finally:
            assert _denials(s) == before
        if kind in ("communications", "volunteering"):  # one row of each class: the other class's row is refused
            outside = {OWN, OTHER} - reached(user.role, scope)
            assert len(plan.bad_rows) == len(outside), plan.problems

    return check


def _export(kind: str) -> Callable:
    def check(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
        frame: list = []
        _expect(s, scope is not Scope.NONE, lambda: frame.append(export_frame(s.session, user, kind, term_id=None,
                                                                             today=TODAY)))  # fmt: skip
        if frame and kind in ("communications", "volunteering"):
            assert set(frame[0][KINDS[kind].column("class").header]) == reached(user.role, scope)

    return check


def _page_only(s: TinySchool, user: auth.CurrentUser, scope: Scope) -> None:
    """Actions whose entry point is a page (the figures, the report, the slides, 全区, 我的账户): navigation."""


CHECKS: dict[Action, Callable[[TinySchool, auth.CurrentUser, Scope], None]] = {
    Action.VIEW_FIGURES: _page_only,
    Action.VIEW_NAMES: _names,
    Action.VIEW_FLAGS: _flags,
    Action.DOWNLOAD: _download,
    Action.VIEW_COMPLIANCE: _compliance,
    Action.REPORT: _page_only,
    Action.MEETING_SCREEN: _page_only,
    Action.DISTRICT_VIEW: _page_only,
    Action.OWN_ACCOUNT: _page_only,
    Action.WRITE_CONTACT: _each(_per_class(contact), _per_class(delete_contact)),
    Action.WRITE_REQUEST: _per_class(request, school_wide=True),
    Action.WRITE_VOLUNTEERING: _per_class(volunteering),
    Action.CONFIRM_VOLUNTEERING: _per_class(confirm),
    Action.WRITE_MORAL: _each(_per_class(grid_read), _per_class(grid)),
    Action.WRITE_ACTIVITY: _per_class(activity, school_wide=True),
    Action.WRITE_SATISFACTION: _per_class(survey, school_wide=True),
    Action.MANAGE_SETTINGS: _settings,
    Action.MANAGE_ACCOUNTS: _accounts,
    Action.MANAGE_ADMIN_ACCOUNTS: _admin_accounts,
    Action.AUDIT: _history,
    **{kind.import_action: _import(kind.key) for kind in KINDS.values()},
    **{kind.export_action: _export(kind.key) for kind in KINDS.values()},
}


@pytest.mark.parametrize("action", list(rights.TABLE), ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_and_action(school, role, action) -> None:
    scope = rights.allowed(role, action)
    CHECKS[action](school, _user(school, role), scope)
    for page in navigation.PAGES:  # the pages of this action open exactly for the roles the table names
        if page.actions == (action,):
            assert navigation.page_allowed(role, page.key) == (scope is not Scope.NONE)


# ---- the written policy through the writes (kept from before the table) ----------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(CLASS_RECORDS))
def test_class_records(school, role, kind) -> None:
    write, _action, roles = CLASS_RECORDS[kind]
    user = _user(school, role)
    for class_name in (OWN, OTHER):
        allowed = role in roles and (role in EVERY_CLASS or class_name == OWN)
        _expect(school, allowed, lambda c=class_name: write(school, user, c))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(SCHOOL_RECORDS))
def test_school_wide_records(school, role, kind) -> None:
    user = _user(school, role)
    _expect(school, role in EVERY_CLASS, lambda: SCHOOL_RECORDS[kind][0](school, user, None))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [*SETTINGS, "create_account"])
def test_settings(school, role, name) -> None:
    user = _user(school, role)
    change = SETTINGS.get(name, _account("meeting"))
    _expect(school, role in SETTINGS_ROLES, lambda: change(school, user))
