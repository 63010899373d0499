"""合作单位 (设置 → 合作单位): the organisations a school has agreements with, added and changed by admin or dean.

The value rules (name, phone, agreement date) are shared with the 合作单位 import (hxgy.transfer.rows.partners):
each raises hxgy.entry.checks.ValueRefused with the message both show after the field or cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import formats
from hxgy.auth import CurrentUser
from hxgy.entry.checks import ValueRefused, noted
from hxgy.entry.rules import Problems, as_dict, audit, check_text, refuse, require_settings_write
from hxgy.models import Category, Partner

NAME_CHARS = 100  # Partner.name
CONTACT_CHARS = 40  # Partner.contact_person
PHONE_CHARS = 20  # Partner.phone
PHONE_ALLOWED = frozenset("0123456789-+ ")
EARLIEST_AGREEMENT = date(1990, 1, 1)


@dataclass(frozen=True)
class PartnerEntry:
    """What the form (or a row of the import) gives for a partner."""

    name: str
    type_id: int | None
    contact_person: str = ""
    phone: str = ""
    agreement_date: date | None = None
    services: str = ""
    active: bool = True


def partner_name(text: str) -> str:
    """A partner's name: 1 to NAME_CHARS characters, spaces at the ends dropped."""
    name = (text or "").strip()
    if not name:
        raise ValueRefused("必须填写")
    if len(name) > NAME_CHARS:
        raise ValueRefused(f"不能超过 {NAME_CHARS} 个字（现有 {len(name)} 个）")
    return name


def partner_phone(text: str) -> str:
    """A contact phone: digits, - + and spaces, at most PHONE_CHARS characters; blank allowed."""
    phone = (text or "").strip()
    if len(phone) > PHONE_CHARS:
        raise ValueRefused(f"不能超过 {PHONE_CHARS} 个字符")
    if phone and not all(ch in PHONE_ALLOWED for ch in phone):
        raise ValueRefused(f"“{phone}”不是电话号码（只能有数字、-、+ 和空格）")
    return phone


def agreement_day(day: date | None, today: date) -> date | None:
    """The day the agreement was signed: not before 1990 and not after today; blank allowed (no agreement yet)."""
    if day is None:
        return None
    if day < EARLIEST_AGREEMENT:
        raise ValueRefused(f"{day:%Y-%m-%d} 太早，请检查")
    if day > today:
        raise ValueRefused(f"{day:%Y-%m-%d} 晚于今天；协议签订后再登记")
    return day


def _note(problems: Problems, label: str) -> Callable[[str], None]:
    return lambda message: problems.add(label, message)


def _checked(
    session: Session, school_id: int, entry: PartnerEntry, today: date, *, partner_id: int | None
) -> PartnerEntry:
    """The entry as stored, or InvalidEntry naming every wrong field."""
    problems = Problems()
    name = noted(_note(problems, "单位名称"), partner_name, entry.name)
    if name:
        clash = session.scalar(
            select(Partner.id).where(
                Partner.school_id == school_id, Partner.name == name, Partner.id != (partner_id or 0)
            )
        )
        if clash is not None:
            problems.add("单位名称", f"“{name}”已登记")
    type_id = entry.type_id
    if type_id is None:
        problems.add("单位类型", "必须选择")
    else:
        kind = session.get(Category, type_id)
        if kind is None or kind.school_id != school_id or kind.kind != "partner_type":
            problems.add("单位类型", "不是本校的合作单位类型")
        elif not kind.active:
            current = session.get(Partner, partner_id) if partner_id is not None else None
            if current is None or current.type_id != type_id:
                problems.add("单位类型", f"“{kind.name}”已停用")
    contact = entry.contact_person.strip()
    if len(contact) > CONTACT_CHARS:
        problems.add("联系人", f"不能超过 {CONTACT_CHARS} 个字")
    phone = noted(_note(problems, "联系电话"), partner_phone, entry.phone) or ""
    day = noted(_note(problems, "签约日期"), agreement_day, entry.agreement_date, today)
    services = check_text(problems, entry.services, "服务内容")
    problems.raise_if_any()
    return PartnerEntry(name or "", type_id, contact, phone, day, services, bool(entry.active))


def add_partner(session: Session, user: CurrentUser, entry: PartnerEntry, *, today: date) -> Partner:
    """Register a partner of the user's school."""
    school_id = require_settings_write(session, user, "新增合作单位")
    clean = _checked(session, school_id, entry, today, partner_id=None)
    partner = Partner(
        school_id=school_id,
        name=clean.name,
        type_id=clean.type_id,
        contact_person=clean.contact_person,
        phone=clean.phone,
        agreement_date=clean.agreement_date,
        services=clean.services,
        active=clean.active,
    )
    session.add(partner)
    session.flush()
    audit(session, user, "create", "partner", partner.id, after=as_dict(partner))
    return partner


def update_partner(session: Session, user: CurrentUser, partner_id: int, entry: PartnerEntry, *, today: date) -> bool:
    """Change a partner of the user's school; False when nothing differs (nothing written, no audit).

    A phone given as the form shows the stored one (138****5678) keeps the stored number."""
    school_id = require_settings_write(session, user, "修改合作单位")
    partner = session.get(Partner, partner_id)
    if partner is None or partner.school_id != school_id:
        raise refuse(session, user, f"修改合作单位 {partner_id}")
    if formats.is_masked_phone(entry.phone) and formats.same_masked_phone(entry.phone, partner.phone):
        entry = replace(entry, phone=partner.phone)  # the form shows the number masked: left as shown, kept
    clean = _checked(session, school_id, entry, today, partner_id=partner_id)
    values = {
        "name": clean.name,
        "type_id": clean.type_id,
        "contact_person": clean.contact_person,
        "phone": clean.phone,
        "agreement_date": clean.agreement_date,
        "services": clean.services,
        "active": clean.active,
    }
    if all(getattr(partner, k) == v for k, v in values.items()):
        return False
    before = as_dict(partner)
    for key, value in values.items():
        setattr(partner, key, value)
    session.flush()
    audit(session, user, "update", "partner", partner.id, before=before, after=as_dict(partner))
    return True
