"""合作单位: one row per partner; its 单位名称 (spaces and case aside) is the partner.

The values keep the rules of 设置 → 合作单位 (hxgy.entry.partners): the same name, phone and agreement-date checks
and messages. A blank 启用 is 是. A masked phone (138****5678, as a non-admin's export shows it) keeps the stored
number (hxgy.transfer.rows.phones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.partners import CONTACT_CHARS, NAME_CHARS, PHONE_CHARS, agreement_day, partner_name
from hxgy.models import Partner
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import Kind
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import Handler, Key, Prepared, Stored, Values, columns_of
from hxgy.transfer.rows.cells import category_cell, checked
from hxgy.transfer.rows.phones import MaskedPhones, phone_cell
from hxgy.transfer.values import clean_text, read_date, read_yes_no

PARTNER_FIELDS = ("name", "type_id", "contact_person", "phone", "agreement_date", "services", "active")


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """A partner as its row gives it: the columns of the partner table."""

    name: str
    type_id: int
    contact_person: str
    phone: str
    agreement_date: date | None
    services: str
    active: bool


class Partners(Handler[PartnerRow]):
    model = Partner
    compared = PARTNER_FIELDS

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.masked = MaskedPhones("合作单位联系人")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[PartnerRow]]:
        written = r.text("name", limit=NAME_CHARS)
        name = checked(r, "name", partner_name, written) if written else None
        type_id = category_cell(r, lk, "type")
        contact = r.text("contact_person", limit=CONTACT_CHARS)
        phone = phone_cell(r, checked=True, limit=PHONE_CHARS)
        day = r.read("agreement_date", read_date)
        if day is not None:
            day = checked(r, "agreement_date", agreement_day, day, lk.today)
        services = r.text("services")
        active = r.read("active", read_yes_no) if clean_text(r.raw("active")) else True
        if not r.ok or name is None or type_id is None:
            return []
        record = PartnerRow(name, type_id, contact, phone, day, services, bool(active))
        key = (key_text(name),)
        self.masked.note(r, key, phone)
        return [Prepared(r.number, key, record, None, lk.today, rows=(r.number,))]

    def against_stored(self, p: Prepared[PartnerRow], stored: Stored | None) -> Prepared[PartnerRow] | Problem:
        return self.masked.unmasked(p, stored)

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[PartnerRow]]) -> dict[Key, Stored]:
        return {
            (key_text(p.name),): Stored(p.id, {c: getattr(p, c) for c in PARTNER_FIELDS})
            for p in session.scalars(select(Partner).where(Partner.school_id == lk.school_id))
        }

    def insert_values(self, p: Prepared[PartnerRow], lk: Lookup, user: CurrentUser) -> Values:
        return {"school_id": lk.school_id, **columns_of(p.record), "created_at": utcnow()}

    def refresh_scope(self, lk: Lookup, written: list[Prepared[PartnerRow]]) -> tuple[list[date], list[int] | None]:
        return [], None
