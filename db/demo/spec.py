"""What a demo database contains: schools, sizes, dates and the random seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

DEMO_DISTRICT = "东湖区"
DEMO_PASSWORD = "hxgy-demo"


@dataclass(frozen=True)
class SchoolSpec:
    """One school to generate."""

    code: str
    name: str
    district: str
    classes_per_grade: tuple[int, ...]  # grades 1..6 in the current school year
    seed: int
    with_accounts: bool = False  # the demo accounts belong to this school

    @property
    def class_count(self) -> int:
        """Classes in the current school year."""
        return sum(self.classes_per_grade)


@dataclass(frozen=True)
class DemoSpec:
    """A whole demo: its schools and the day it pretends is today."""

    anchor: date
    schools: tuple[SchoolSpec, ...]
    past_years: int = 2  # full school years before the current one
    students_per_class: tuple[int, int] = (40, 48)
    contact_multiplier: int = 1  # benchmarks: more individual contacts per student


def current_school_year_start(day: date) -> int:
    """The calendar year the school year containing ``day`` began (1 September)."""
    return day.year if day >= date(day.year, 9, 1) else day.year - 1


def demo_spec(anchor: date, *, seed: int = 2026) -> DemoSpec:
    """The demo a newcomer sees: 实验小学 with 32 classes, and two neighbour schools."""
    schools = (
        SchoolSpec("DH001", "东湖区实验小学", DEMO_DISTRICT, (6, 6, 5, 5, 5, 5), seed, with_accounts=True),
        SchoolSpec("DH002", "东湖区新华路小学", DEMO_DISTRICT, (3, 3, 3, 3, 3, 3), seed + 1),
        SchoolSpec("DH003", "东湖区青年路小学", DEMO_DISTRICT, (4, 4, 4, 4, 3, 3), seed + 2),
    )
    return DemoSpec(anchor=anchor, schools=schools)


def district_spec(
    anchor: date, *, schools: int, seed: int = 2026, past_years: int = 1, contact_multiplier: int = 1
) -> DemoSpec:
    """District-sized data for benchmarks: ``schools`` schools of 12–36 classes."""
    rng = random.Random(seed)
    specs = []
    for i in range(schools):
        per_grade = tuple(rng.randint(2, 6) for _ in range(6))
        specs.append(SchoolSpec(f"B{i + 1:04d}", f"第{i + 1}小学", f"基准区{i % 5 + 1}", per_grade, seed + i, i == 0))
    return DemoSpec(anchor=anchor, schools=tuple(specs), past_years=past_years, contact_multiplier=contact_multiplier)
