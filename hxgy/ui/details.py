"""Cached reads behind the measure pages' detail charts and tables (家校沟通, 家长志愿, 德育, 协同活动, 全区).

Like ``hxgy.ui.data``, each function takes the scope as arguments (st.cache_data is shared by every
user of the process) and is called only after hxgy.ui.guard has checked the role.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from hxgy import terms
from hxgy.metrics import activities, communication, moral, stats, volunteers
from hxgy.metrics.roster import ClassFilter
from hxgy.queries.district import district_schools
from hxgy.ui.data import cached, read_session, today


@cached
def holiday_contacts(period: terms.Period, classes: ClassFilter) -> dict[str, int]:
    """Contacts and 家访 dated in the holidays the period counts."""
    with read_session() as session:
        return communication.holiday_contacts(session, period, classes)


@cached
def channel_mix(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """Contacts per channel."""
    with read_session() as session:
        return communication.channel_mix(session, period, classes)


@cached
def contacts_by_week(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """Contacts per class and week."""
    with read_session() as session:
        return communication.contacts_by_week(session, period, classes)


@cached
def students_not_reached(period: terms.Period, classes: ClassFilter, home_visit: bool) -> pd.DataFrame:
    """Named students not yet contacted or visited (callers pass only classes whose names may be seen)."""
    with read_session() as session:
        return communication.students_not_reached(session, period, classes, home_visit=home_visit)


@cached
def late_requests(period: terms.Period, classes: ClassFilter, now: datetime) -> pd.DataFrame:
    """Requests answered late or open past the limit."""
    with read_session() as session:
        return communication.late_requests(session, period, classes, now=now)


@cached
def requests_by_class(period: terms.Period, classes: ClassFilter, now: datetime) -> pd.DataFrame:
    """Request status counts per class."""
    with read_session() as session:
        return communication.requests_by_class(session, period, classes, now=now)


@cached
def volunteer_trend(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """Volunteer records and hours per week."""
    with read_session() as session:
        return volunteers.hours_by_week(session, period, classes)


@cached
def volunteer_activity_mix(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """Volunteer records and hours per activity."""
    with read_session() as session:
        return volunteers.activity_mix(session, period, classes)


@cached
def volunteer_unique_families(period: terms.Period, classes: ClassFilter) -> int:
    """Distinct families reached."""
    with read_session() as session:
        return volunteers.unique_families(session, period, classes)


@cached
def volunteer_unconfirmed(period: terms.Period, classes: ClassFilter) -> int:
    """Volunteer records waiting to be confirmed (counted in no figure: 待确认 N 条)."""
    with read_session() as session:
        return volunteers.unconfirmed_records(session, period, classes)


@cached
def volunteer_ranking(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """Named ranking of volunteers (callers pass only classes whose names may be seen)."""
    with read_session() as session:
        return volunteers.volunteer_ranking(session, period, classes)


@cached
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
def activity_list(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """The activities in view."""
    with read_session() as session:
        return activities.activity_list(session, period, classes)


@cached
def activities_by_type_month(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """Activities per month and type."""
    with read_session() as session:
        return activities.activities_by_type_month(session, period, classes)


@cached
def participation_totals(period: terms.Period, classes: ClassFilter) -> dict[str, int | None]:
    """Activities, and students, parents and families taking part."""
    with read_session() as session:
        return activities.participation_totals(session, period, classes)


@cached
def partner_summary(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """Partners and what was done with each."""
    with read_session() as session:
        return activities.partner_summary(session, period, classes)


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


@cached
def district_school_table(district: str, now: datetime) -> pd.DataFrame:
    """Every school of the district side by side (from the pre-aggregated stats)."""
    periods = district_terms(district)
    with read_session() as session:
        return stats.district_school_table(session, district=district, terms=periods, now=now)


@cached
def district_class_table(district: str, school_id: int) -> pd.DataFrame:
    """One school's classes for its current term (from the pre-aggregated stats)."""
    with read_session() as session:
        return stats.district_class_table(session, terms=district_terms(district), school_id=school_id)
