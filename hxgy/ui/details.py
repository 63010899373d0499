"""Cached reads behind the measure pages' detail charts and tables (家校沟通, 家长志愿, 德育, 协同活动, 全区).

Like ``hxgy.ui.data``, each function takes the scope as arguments (st.cache_data is shared by every
user of the process) and is called only after hxgy.ui.guard has checked the role. Most are a metrics
function read in a session of its own (``_read``): the same arguments, less the session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
from sqlalchemy.orm import Session

from hxgy import terms
from hxgy.metrics import activities, communication, moral, stats, volunteers
from hxgy.metrics.roster import ClassFilter
from hxgy.queries.district import district_schools
from hxgy.ui.data import cached, figures, figures_of_any_term, read_session, today

P = ParamSpec("P")
R = TypeVar("R")


def _read(query: Callable[Concatenate[Session, P], R], name: str, *parts: str) -> Callable[P, R]:
    """``query`` read in a session of its own and cached under ``name`` (st.cache_data keys on the name), read
    again when ``parts`` of the records of its period's term change (hxgy.ui.data.figures)."""

    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        with read_session() as session:
            return query(session, *args, **kwargs)

    read.__name__ = read.__qualname__ = name
    read.__doc__ = query.__doc__
    return figures(*parts)(read)


# 家校沟通
holiday_contacts = _read(communication.holiday_contacts, "holiday_contacts", "communication")
channel_mix = _read(communication.channel_mix, "channel_mix", "communication")
contacts_by_week = _read(communication.contacts_by_week, "contacts_by_week", "communication")
# named classes only
students_not_reached = _read(communication.students_not_reached, "students_not_reached", "communication")
late_requests = _read(communication.late_requests, "late_requests", "requests")
requests_by_class = _read(communication.requests_by_class, "requests_by_class", "requests")
# 家长志愿
volunteer_trend = _read(volunteers.hours_by_week, "volunteer_trend", "volunteering")
volunteer_activity_mix = _read(volunteers.activity_mix, "volunteer_activity_mix", "volunteering")
volunteer_unique_families = _read(volunteers.unique_families, "volunteer_unique_families", "volunteering")
# 待确认, in no figure
volunteer_unconfirmed = _read(volunteers.unconfirmed_records, "volunteer_unconfirmed", "volunteering")
volunteer_ranking = _read(volunteers.volunteer_ranking, "volunteer_ranking", "volunteering")  # named classes only
# 协同活动
activity_list = _read(activities.activity_list, "activity_list", "activities")
activities_by_type_month = _read(activities.activities_by_type_month, "activities_by_type_month", "activities")
participation_totals = _read(activities.participation_totals, "participation_totals", "activities")
partner_summary = _read(activities.partner_summary, "partner_summary", "activities")


@figures("moral")
def moral_details(term_id: int, classes: ClassFilter) -> dict[str, pd.DataFrame]:
    """Dimension averages, level distribution and rater averages of a term."""
    with read_session() as session:
        scheme = moral.moral_scheme(session, school_id=classes.school_id)
        return {
            "dimensions": moral.dimension_averages(session, scheme, term_id, classes),
            "levels": moral.level_distribution(session, scheme, term_id, classes),
            "raters": moral.rater_averages(session, scheme, term_id, classes),
        }


@cached
def district_terms(district: str) -> dict[int, terms.Period]:
    """Each school of the district with its current term."""
    with read_session() as session:
        periods = {}
        for school in district_schools(session, district=district):
            term = terms.current_term(session, school_id=school.id, today=today())
            if term is not None:
                periods[school.id] = terms.term_period(term, today())
        return periods


@figures_of_any_term
def district_school_table(district: str, now: datetime) -> pd.DataFrame:
    """Every school of the district side by side (from the pre-aggregated stats)."""
    periods = district_terms(district)
    with read_session() as session:
        return stats.district_school_table(session, district=district, terms=periods, now=now)


@figures_of_any_term
def district_class_table(district: str, school_id: int) -> pd.DataFrame:
    """One school's classes for its current term (from the pre-aggregated stats)."""
    with read_session() as session:
        return stats.district_class_table(session, terms=district_terms(district), school_id=school_id)
