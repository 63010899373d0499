"""The demo school's records, term by term, up to the demo's "today".

Variety on purpose: a few classes lag on home visits, coverage rises from
term to term, some families never volunteer, raters and classes differ.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from db.demo.structure import ClassInfo, Member, TermInfo, World, insert_bulk, insert_rows
from hxgy.models import (
    TO_HOME,
    TO_SCHOOL,
    Activity,
    ActivityClass,
    Communication,
    MoralScore,
    ParentRequest,
    SatisfactionResult,
    VolunteerRecord,
)


def _weighted(rng: random.Random, options: Mapping[str, float]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


def _day_between(rng: random.Random, first: date, last: date, weekdays_only: bool = True) -> date:
    for _ in range(10):
        day = first + timedelta(days=rng.randrange((last - first).days + 1))
        if not weekdays_only or day.weekday() < 5:
            return day
    return day


class RecordMaker:
    """Generates every record of one school for one term."""

    def __init__(
        self, session: Session, world: World, rng: random.Random, dean_user: int | None, contact_multiplier: int = 1
    ) -> None:
        self.session = session
        self.contact_multiplier = contact_multiplier
        self.world = world
        self.rng = rng
        self.dean_user = dean_user
        self.student_base: dict[int, float] = {}
        self.class_effect: dict[int, float] = {}

    def cat(self, kind: str, code: str) -> int:
        """The id of a default category."""
        return self.world.categories[(kind, code)]

    def term_classes(self, term: TermInfo) -> list[ClassInfo]:
        """The classes of the term's school year."""
        return [c for c in self.world.classes.values() if c.year == term.year]

    def members(self, info: ClassInfo, first: date, last: date) -> list[Member]:
        """Students in the class between two days, with the part of the span they were there."""
        out = []
        for student, family, start, end in self.world.members.get(info.id, []):
            lo, hi = max(first, start), min(last, end)
            if lo <= hi:
                out.append((student, family, lo, hi))
        return out

    def make_term(self, term: TermInfo) -> None:
        """All records of one term, none after the demo's today."""
        cutoff = min(term.end, self.world.anchor)
        if term.start > cutoff:
            return
        classes = self.term_classes(term)
        comms: list[dict[str, Any]] = []
        volunteers: list[dict[str, Any]] = []
        for info in classes:
            comms += self.communications(term, info, cutoff)
            volunteers += self.volunteering(term, info, cutoff)
        insert_bulk(self.session, Communication, comms)
        insert_bulk(self.session, VolunteerRecord, volunteers)
        insert_bulk(self.session, ParentRequest, self.requests(term, classes, cutoff))
        self.activities(term, classes, cutoff)
        insert_bulk(self.session, MoralScore, self.scores(term, classes, cutoff))
        if term.end <= self.world.anchor:
            insert_bulk(self.session, SatisfactionResult, self.satisfaction(term, classes))

    # --- 家校沟通 -----------------------------------------------------------

    def communications(self, term: TermInfo, info: ClassInfo, cutoff: date) -> list[dict[str, Any]]:
        """Home visits, individual contacts and class-wide messages of one class."""
        rng = self.rng
        rows = []
        trend = min(1.0, 0.82 + 0.05 * term.index)  # coverage rises from term to term
        for student, _family, first, last in self.members(info, term.start, term.end):
            if rng.random() < min(1.0, info.diligence * trend + 0.03):
                day = _day_between(rng, first, last, weekdays_only=False)
                if day <= cutoff:
                    rows.append(self._contact(info, student, "home_visit", day, TO_HOME))
            if first > cutoff:
                continue
            for _ in range(rng.choices(range(6), weights=(8, 22, 28, 22, 12, 8))[0] * self.contact_multiplier):
                channel = _weighted(
                    rng, {"phone": 35, "wechat": 35, "face_to_face": 14, "contact_book": 10, "online": 6}
                )
                direction = TO_SCHOOL if rng.random() < 0.25 else TO_HOME
                rows.append(
                    self._contact(info, student, channel, _day_between(rng, first, min(last, cutoff)), direction)
                )
        week = term.start
        while week <= cutoff:
            for _ in range(rng.randint(1, 2)):
                day = _day_between(rng, week, min(week + timedelta(days=6), cutoff))
                rows.append(self._contact(info, None, "wechat" if rng.random() < 0.8 else "online", day, TO_HOME))
            week += timedelta(days=7)
        return rows

    def _contact(self, info: ClassInfo, student: int | None, channel: str, day: date, direction: str) -> dict[str, Any]:
        rng = self.rng
        topic = (
            "notice"
            if student is None
            else _weighted(
                rng, {"study": 35, "behaviour": 25, "health": 12, "safety": 8, "family_education": 15, "other": 5}
            )
        )
        staff = info.head_staff if student is None or rng.random() < 0.75 else rng.choice(info.teachers)
        duration = {"home_visit": rng.randint(40, 90), "phone": rng.randint(5, 20), "face_to_face": rng.randint(15, 40)}
        return {
            "school_id": self.world.school_id,
            "class_id": info.id,
            "student_id": student,
            "staff_id": staff,
            "channel_id": self.cat("channel", channel),
            "topic_id": self.cat("topic", topic),
            "direction": direction,
            "contact_date": day,
            "duration_min": duration.get(channel),
            "summary": SUMMARIES[channel if student is not None else "class"],
            "follow_up": student is not None and rng.random() < 0.1,
        }

    # --- 家长诉求 -----------------------------------------------------------

    def requests(self, term: TermInfo, classes: list[ClassInfo], cutoff: date) -> list[dict[str, Any]]:
        """Home→school requests; most answered in time, some late, a few still open."""
        rng = self.rng
        rows = []
        span = (cutoff - term.start).days + 1
        for _ in range(int(len(classes) * 1.2 * span / (term.end - term.start).days) + 1):
            info = rng.choice(classes)
            members = self.members(info, term.start, cutoff)
            student, family, first, last = rng.choice(members)
            received = datetime.combine(_day_between(rng, first, last), time(rng.randint(8, 20), rng.choice((0, 30))))
            roll = rng.random()
            hours = rng.uniform(1, 60) if roll < 0.82 else rng.uniform(73, 200) if roll < 0.94 else None
            replied = received + timedelta(hours=hours) if hours is not None else None
            if replied is not None and replied.date() > self.world.anchor:
                replied = None
            channel_id = self.cat("request_channel", _weighted(rng, REQUEST_CHANNELS))
            category = rng.choice(list(REQUEST_CONTENT))
            handled_by = info.head_staff if rng.random() < 0.6 else self.world.dean_staff
            rows.append(
                {
                    "school_id": self.world.school_id,
                    "class_id": info.id,
                    "student_id": student,
                    "guardian_id": self.world.guardians[family][0],
                    "channel_id": channel_id,
                    "category_id": self.cat("request_category", category),
                    "received_at": received,
                    "content": rng.choice(REQUEST_CONTENT[category]),
                    "replied_at": replied,
                    "reply": "已联系家长说明情况，并落实改进措施。" if replied else "",
                    "handled_by": handled_by,
                }
            )
        return rows

    # --- 家长志愿 -----------------------------------------------------------

    def volunteering(self, term: TermInfo, info: ClassInfo, cutoff: date) -> list[dict[str, Any]]:
        """Volunteer records of the families of one class."""
        rng = self.rng
        rows, seen, families = [], set(), set()
        for _student, family, first, last in self.members(info, term.start, cutoff):
            never, propensity = self.world.family_traits[family]
            if never or family in families:
                continue
            families.add(family)
            for _ in range(3):
                if rng.random() >= propensity * 0.55:
                    continue
                activity = _weighted(rng, VOLUNTEER_HOURS_WEIGHTS)
                guardian = rng.choice(self.world.guardians[family])
                day = _day_between(rng, first, last)
                if (guardian, activity, day) in seen:
                    continue
                seen.add((guardian, activity, day))
                low, high = VOLUNTEER_HOURS[activity]
                confirmed = rng.random() < (0.95 if day <= cutoff - timedelta(days=10) else 0.4)
                rows.append(
                    {
                        "school_id": self.world.school_id,
                        "class_id": info.id,
                        "guardian_id": guardian,
                        "activity_id": self.cat("volunteer_activity", activity),
                        "service_date": day,
                        "hours": rng.choice([h / 2 for h in range(int(low * 2), int(high * 2) + 1)]),
                        "confirmed_by": self.dean_user if confirmed else None,
                        "confirmed_at": datetime.combine(day, time(17, 0)) if confirmed else None,
                    }
                )
        return rows

    # --- 协同活动 -----------------------------------------------------------

    def activities(self, term: TermInfo, classes: list[ClassInfo], cutoff: date) -> None:
        """The term's activities with per-class attendance."""
        rng = self.rng
        grades = sorted({c.grade for c in classes})
        for week, type_code, title, scope, partner_kind in ACTIVITY_PLAN:
            day = term.start + timedelta(weeks=week, days=rng.randint(0, 4))
            if day > cutoff or day > term.end:
                continue
            chosen = grades if scope == "school" else rng.sample(grades, k=rng.randint(1, 2))
            in_scope = [c for c in classes if c.grade in chosen]
            partner = self._partner(partner_kind)
            attendance = []
            for info in in_scope:
                size = len(self.members(info, day, day))
                if type_code == "committee":
                    parents = min(size, 4)
                else:
                    parents = round(size * rng.uniform(*PARENT_SHARE.get(type_code, (0.6, 0.9))))
                students = size if type_code in ("parent_child", "community_practice", "career", "lecture") else 0
                attendance.append((info.id, parents, students))
            parents_total = sum(a[1] for a in attendance)
            label = title.format(grades="、".join(f"{'一二三四五六'[g - 1]}年级" for g in sorted(chosen)))
            [activity_id] = insert_rows(
                self.session,
                Activity,
                [
                    {
                        "school_id": self.world.school_id,
                        "title": f"{label}（{term.year}-{term.year + 1}学年第{'一二'[term.term_no - 1]}学期）",
                        "type_id": self.cat("activity_type", type_code),
                        "activity_date": day,
                        "scope": "school" if scope == "school" else "grade",
                        "partner_id": partner,
                        "students_count": sum(a[2] for a in attendance),
                        "parents_count": parents_total,
                        "families_count": round(parents_total * 0.94),
                        "outcome": OUTCOMES[type_code],
                    }
                ],
            )
            insert_bulk(
                self.session,
                ActivityClass,
                [
                    {"activity_id": activity_id, "class_id": cid, "parents_attended": p, "students_attended": s}
                    for cid, p, s in attendance
                ],
            )

    def _partner(self, kind: str | None) -> int | None:
        if kind is None:
            return None
        return self.rng.choice([pid for pid, k in self.world.partners if k == kind])

    # --- 德育评价 -----------------------------------------------------------

    def scores(self, term: TermInfo, classes: list[ClassInfo], cutoff: date) -> list[dict[str, Any]]:
        """Teacher, parent and self ratings; the current term is still being scored."""
        rng = self.rng
        rows = []
        finished = term.end <= self.world.anchor
        for info in classes:
            progress = 1.0 if finished else rng.choice((1.0, 1.0, 0.7, 0.0, 0.0))
            effect = self.class_effect.setdefault(info.id, rng.gauss(0, 2.5))
            for student, _family, _first, _last in self.members(info, cutoff, cutoff):
                if rng.random() >= progress:
                    continue
                base = self.student_base.setdefault(student, rng.gauss(84, 6))
                for d_index, dimension in enumerate(self.world.dimensions):
                    for rater, (bias, missing) in RATER_HABITS.items():
                        if rng.random() < missing:
                            continue
                        raw = base + effect + DIMENSION_EFFECT[d_index % 4] + bias + 0.6 * term.index + rng.gauss(0, 3)
                        rows.append(
                            {
                                "school_id": self.world.school_id,
                                "student_id": student,
                                "term_id": term.id,
                                "class_id": info.id,
                                "dimension_id": dimension,
                                "rater_id": self.world.raters[rater],
                                "score": float(max(40, min(100, round(raw)))),
                            }
                        )
        return rows

    # --- 满意度 -------------------------------------------------------------

    def satisfaction(self, term: TermInfo, classes: list[ClassInfo]) -> list[dict[str, Any]]:
        """A survey at the end of each term, in every class; satisfaction rises over time."""
        rng = self.rng
        rows = []
        for info in classes:
            size = len(self.members(info, term.end, term.end))
            respondents = max(1, size - rng.randint(0, 4))
            rate = min(0.995, 0.905 + 0.018 * term.index + rng.gauss(0, 0.02))
            rows.append(
                {
                    "school_id": self.world.school_id,
                    "term_id": term.id,
                    "class_id": info.id,
                    "respondents": respondents,
                    "satisfied": min(respondents, round(respondents * rate)),
                }
            )
        return rows


SUMMARIES = {
    "home_visit": "走进学生家庭，了解孩子课余生活和学习环境，与家长交流家庭教育方法。",
    "phone": "电话沟通孩子近期在校表现，提醒家长关注作业完成情况。",
    "wechat": "通过微信与家长交流孩子近期的进步和需要配合的事项。",
    "face_to_face": "家长来校面谈，共同商量帮助孩子养成良好习惯的办法。",
    "contact_book": "在家校联系本上反馈孩子本周表现。",
    "online": "通过线上平台与家长交流孩子学习情况。",
    "class": "班级群发布通知：本周安全提醒与作业要求。",
}
REQUEST_CHANNELS = {"principal_day": 10, "mailbox": 20, "online": 40, "phone": 20, "committee": 10}
REQUEST_CONTENT = {
    "teaching": ["希望多组织课外阅读活动。", "建议增加科学实验课的动手环节。"],
    "safety": ["放学时校门口车辆较多，建议加强疏导。", "希望增加上下学时段的护学力量。"],
    "canteen": ["希望公布每周菜谱。", "建议午餐增加蔬菜品种。"],
    "homework": ["孩子作业有时写到很晚，希望控制总量。", "希望周末作业更多安排实践类内容。"],
    "facilities": ["操场跑道有破损，建议维修。", "希望教室增加图书角。"],
    "other": ["咨询课后服务报名时间。", "询问校服订购事宜。"],
}
VOLUNTEER_HOURS = {
    "gate_duty": (1.0, 1.0),
    "lunch_duty": (1.0, 1.5),
    "event_help": (2.0, 4.0),
    "library": (1.5, 2.0),
    "parent_class": (1.0, 2.0),
    "open_day_duty": (3.0, 4.0),
    "community_service": (2.0, 4.0),
}
VOLUNTEER_HOURS_WEIGHTS = {
    "gate_duty": 35,
    "lunch_duty": 15,
    "event_help": 20,
    "library": 10,
    "parent_class": 8,
    "open_day_duty": 6,
    "community_service": 6,
}
# (week of term, type, title, scope, partner kind)
ACTIVITY_PLAN = [
    (2, "parent_meeting", "开学家长会", "school", None),
    (3, "committee", "家委会工作会议", "school", None),
    (4, "parent_school", "家长学校专题培训：科学陪伴 助力成长", "school", None),
    (6, "parent_child", "“亲子共读伴成长”亲子阅读活动（{grades}）", "grade", None),
    (7, "community_practice", "“安全教育进社区”实践活动（{grades}）", "grade", "community"),
    (8, "open_day", "家长开放日", "school", None),
    (9, "career", "“职业启蒙进校园”活动（{grades}）", "grade", "enterprise"),
    (10, "parent_school", "家长学校专题培训：如何与孩子有效沟通", "school", None),
    (11, "lecture", "“传统文化体验日”讲座（{grades}）", "grade", "venue"),
    (12, "community_practice", "“家庭劳动实践周”社区实践（{grades}）", "grade", "base"),
    (14, "parent_meeting", "期中家长会", "school", None),
    (15, "committee", "家委会期中座谈会", "school", None),
    (17, "parent_child", "“家庭运动会”亲子活动（{grades}）", "grade", None),
]
PARENT_SHARE = {"parent_meeting": (0.85, 0.98), "parent_school": (0.7, 0.92), "open_day": (0.55, 0.8)}
OUTCOMES = {
    "parent_meeting": "各班通报学生在校情况，家长就家校配合提出建议。",
    "parent_school": "家长系统学习家庭教育方法，现场反馈满意。",
    "open_day": "家长走进课堂，观摩教学并参与评课。",
    "parent_child": "亲子共同参与，增进了家庭情感交流。",
    "community_practice": "学生走进社区开展实践，提升了安全意识和动手能力。",
    "career": "学生了解不同职业，建立初步职业认知。",
    "lecture": "学生在专家讲解中感受中华优秀传统文化。",
    "committee": "家委会代表审议本学期工作计划并提出建议。",
}
# rater code -> (typical bias, share missing)
RATER_HABITS = {"teacher": (0.0, 0.005), "parent": (3.5, 0.07), "self": (5.0, 0.03)}
DIMENSION_EFFECT = (1.0, -1.5, 0.5, 2.0)
