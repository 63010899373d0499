"""The data model: every table of hxgy, importable from here."""

from hxgy.models.admin import ROLES, AppMeta, AuditLog, ImportBatch, LoginThrottle, UserAccount
from hxgy.models.base import Base
from hxgy.models.notify import NotifyChannel, NotifyMessage, NotifySchedule
from hxgy.models.people import (
    HEAD_TEACHER,
    SUBJECT_TEACHER,
    ClassAssignment,
    Enrolment,
    Family,
    Guardian,
    Staff,
    Student,
)
from hxgy.models.records import (
    TO_HOME,
    TO_SCHOOL,
    Activity,
    ActivityClass,
    Communication,
    MoralScore,
    ParentRequest,
    Partner,
    SatisfactionResult,
    VolunteerRecord,
)
from hxgy.models.school import School, SchoolClass, SchoolYear, Term
from hxgy.models.school_setup import (
    CATEGORY_KINDS,
    HOME_VISIT_CODE,
    Category,
    MoralDimension,
    MoralLevel,
    MoralRater,
    Target,
)
from hxgy.models.stats import ClassTermStats

__all__ = [
    "CATEGORY_KINDS",
    "HEAD_TEACHER",
    "HOME_VISIT_CODE",
    "ROLES",
    "SUBJECT_TEACHER",
    "TO_HOME",
    "TO_SCHOOL",
    "Activity",
    "ActivityClass",
    "AppMeta",
    "AuditLog",
    "Base",
    "Category",
    "ClassAssignment",
    "ClassTermStats",
    "Communication",
    "Enrolment",
    "Family",
    "Guardian",
    "ImportBatch",
    "LoginThrottle",
    "MoralDimension",
    "MoralLevel",
    "MoralRater",
    "MoralScore",
    "NotifyChannel",
    "NotifyMessage",
    "NotifySchedule",
    "ParentRequest",
    "Partner",
    "SatisfactionResult",
    "School",
    "SchoolClass",
    "SchoolYear",
    "Staff",
    "Student",
    "Target",
    "Term",
    "UserAccount",
    "VolunteerRecord",
]
