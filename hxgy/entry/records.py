"""Saving the records people enter: communications, parent requests, volunteer hours, activities, surveys.

Every function here
- refuses a user who may not write for the class (logged in the audit log),
- validates every field and writes nothing when any is wrong (InvalidEntry names the fields in Chinese); the
  rules a value keeps are hxgy.entry.checks', the same functions the importer calls,
- is idempotent: the same ``submission_key`` (one form shown once, or one import row) saves one record,
- writes the audit log and brings the pre-aggregated class_term_stats up to date in the same transaction.
The caller owns the transaction (hxgy.ui.entry.save, through hxgy.db.run_write) and clears the app's caches
after it commits.

One module per kind of record; this one names them all for the pages:
- contacts.py          家校沟通: log_contact, update_contact, class_wide_channels
- parent_requests.py   家长诉求: record_request, reply_to_request
- volunteering.py      家长志愿: record_volunteering, confirm_volunteering, update_volunteering
- activity_records.py  协同活动: record_activity
- surveys.py           家长满意度: save_satisfaction
- saving.py            what they share: Saved, a submission saved once, delete_record
"""

from __future__ import annotations

from hxgy.entry.activity_records import ActivityEntry, record_activity
from hxgy.entry.checks import MAX_DURATION_MIN, MAX_HOURS_A_DAY, class_wide_refusal
from hxgy.entry.contacts import ContactEntry, class_wide_channels, log_contact, update_contact
from hxgy.entry.parent_requests import RequestEntry, record_request, reply_to_request
from hxgy.entry.saving import EDITABLE, Saved, delete_record
from hxgy.entry.surveys import save_satisfaction
from hxgy.entry.volunteering import VolunteerEntry, confirm_volunteering, record_volunteering, update_volunteering

__all__ = [
    "EDITABLE",
    "MAX_DURATION_MIN",
    "MAX_HOURS_A_DAY",
    "ActivityEntry",
    "ContactEntry",
    "RequestEntry",
    "Saved",
    "VolunteerEntry",
    "class_wide_channels",
    "class_wide_refusal",
    "confirm_volunteering",
    "delete_record",
    "log_contact",
    "record_activity",
    "record_request",
    "record_volunteering",
    "reply_to_request",
    "save_satisfaction",
    "update_contact",
    "update_volunteering",
]
