"""The shell of a measure page (总览, 家校沟通, 家长志愿, 德育评价, 协同活动).

``open_page`` checks the role, draws the filters, the title and the stamp, and
returns a ``MeasurePage`` whose figures (class table, the view's figures, the
comparison, the targets) are read through the cached ``hxgy.ui.data``.
``cards`` and ``class_bars`` draw the two blocks every measure page has: the
figure cards against their targets, and each class's bar coloured by its status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import altair as alt
import pandas as pd
import streamlit as st

from hxgy import auth, charts, formats, rights, ui
from hxgy.glossary import STATUS_LABELS
from hxgy.memo import remembered
from hxgy.metrics import judging, measures, moral, overview
from hxgy.metrics.judging import FigureCard
from hxgy.metrics.overview import Baseline, Figures
from hxgy.terms import Period
from hxgy.ui import data, details, filters, trends, widgets

STATUS_COLUMN = "目标状态"
# what pages compute from the figures, made again only when the figures change (hxgy.memo)
class_status = remembered(judging.class_status)  # each class against the targets
below_target = remembered(judging.below_target)
by_grade = remembered(overview.by_grade)
class_changes = remembered(overview.class_changes)
rater_gaps = remembered(moral.rater_gaps)


@dataclass(frozen=True)
class MeasurePage:
    """One run of a measure page: who looks, at what, and the figures of that view.

    The figures are read once a run (the cached reads of hxgy.ui.data return a new copy every call) and shared
    by the page's parts, which never change them in place.
    """

    user: auth.SchoolUser
    view: filters.View
    now: datetime
    evaluation: bool = False  # targets of the evaluation term (德育: a custom range uses its last term)

    @property
    def allowed(self) -> bool:
        """The user may download charts and tables."""
        return rights.can(self.user.role, rights.Action.DOWNLOAD)

    @property
    def stamp(self) -> str:
        """School, scope and period: under the title and on every download."""
        return self.view.stamp

    @property
    def period(self) -> Period:
        """The period in view."""
        return self.view.period

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Every measure per class (overview.class_measures)."""
        return data.class_measures(self.period, self.view.classes, self.now)

    @cached_property
    def figures(self) -> Figures:
        """The view's figures."""
        return data.school_figures(self.period, self.view.classes, self.now)

    @cached_property
    def before(self) -> Figures | None:
        """The comparison's figures (same children), or None."""
        return data.earlier_figures(self.period, self.view.classes, self.now)

    @cached_property
    def compared(self) -> Period | None:
        """The comparison period."""
        return data.comparison(self.period)

    @cached_property
    def baseline(self) -> Baseline | None:
        """What the view is compared with, as the caption under the cards says."""
        return data.baseline(self.period, self.view.classes)

    @cached_property
    def goals(self) -> dict[str, float]:
        """The term's targets (rates as fractions)."""
        term_id = self.period.evaluation_term_id if self.evaluation else self.period.term_id
        return data.targets(term_id)

    @cached_property
    def completion_min(self) -> float:
        """The school's 德育 completion threshold."""
        return data.completion_min(self.view.school_id)

    def figure_cards(self, keys: tuple[str, ...], notes: Mapping[str, str] | None = None) -> list[FigureCard]:
        """The cards of these measures against the targets, each with its note (if any) and comparison label."""
        compared = self.compared
        label = (compared.term_label if self.evaluation else compared.label) if compared else None
        cards = judging.figure_cards(
            self.figures, self.before, self.goals, self.period, keys, completion_min=self.completion_min
        )
        return [c.with_note((notes or {}).get(c.key)).compared_with(label) for c in cards]

    def cards(
        self, keys: tuple[str, ...], notes: Mapping[str, str] | None = None, *, year_on_year: bool = False
    ) -> None:
        """Draw the cards of these measures and say what their changes compare with (and 同比 when asked)."""
        caption = None
        if year_on_year:
            notes, caption = trends.year_on_year_notes(self, keys, notes)
        widgets.card_grid(self.figure_cards(keys, notes), self.baseline)
        if caption:
            st.caption(caption)

    def trend(self, keys: tuple[str, ...]) -> None:
        """各学期趋势: one of these measures across the terms on record, with the targets (hxgy.ui.trends)."""
        trends.trend_block(self, keys)

    def chart(
        self, chart: alt.LayerChart, shown: pd.DataFrame, columns: Sequence[str], *, title: str, key: str
    ) -> None:
        """A chart with its PNG and the Excel of ``columns`` of ``shown`` (for roles that may download)."""
        widgets.chart_block(chart, shown[list(columns)], title=title, stamp=self.stamp, allowed=self.allowed, key=key)

    def table(self, frame: pd.DataFrame, columns: Sequence[str], *, title: str, key: str) -> None:
        """``columns`` of ``frame`` under their Chinese headers, with the Excel download."""
        shown = widgets.labelled(frame, columns)
        widgets.table_block(shown, title=title, stamp=self.stamp, allowed=self.allowed, key=key)

    def holiday_note(self) -> None:
        """含暑期家访 N 次… under the title, when the period counts holiday records."""
        if holiday := formats.holiday_note(details.holiday_contacts(self.period, self.view.classes)):
            st.caption(holiday)

    def class_statuses(self, key: str) -> pd.DataFrame:
        """Each class's figure of one measure against the target for today."""
        return class_status(self.frame, self.goals, self.period, (key,), completion_min=self.completion_min)

    def class_table(
        self, key: str, extra: Mapping[str, str], *, judged: bool = True, statuses: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """班级, the measure, 目标状态 (when judged) and the ``extra`` columns (Chinese header → class column)."""
        frame = self.frame
        columns: dict[str, object] = {"班级": frame["class_name"], measures.label(key): frame[key]}
        if judged:
            statuses = self.class_statuses(key) if statuses is None else statuses
            columns[STATUS_COLUMN] = statuses["status"].map(STATUS_LABELS).to_numpy()
        columns.update({header: frame[column] for header, column in extra.items()})
        return frame.assign(**columns)

    def class_bars(
        self, key: str, extra: Mapping[str, str], *, download_key: str, judged: bool = True, title: str = ""
    ) -> None:
        """各班<measure>: a bar per class, coloured by status against the target for today, with its downloads."""
        name = measures.label(key)
        title = title or f"各班{name}"
        statuses = self.class_statuses(key) if judged else pd.DataFrame()
        shown = self.class_table(key, extra, judged=judged, statuses=statuses)
        chart = charts.class_bars(
            shown,
            value=name,
            title=title,
            stamp=self.stamp,
            percent=measures.is_rate(key),
            status=STATUS_COLUMN if judged else None,
            target=statuses["target"].iloc[0] if not statuses.empty else None,
            tooltip=list(extra),
        )
        columns = ["班级", name, *extra, *([STATUS_COLUMN] if judged else [])]
        widgets.chart_block(
            chart, shown[columns], title=title, stamp=self.stamp, allowed=self.allowed, key=download_key
        )


def open_page(page: str, title: str, *, dates: bool = False, evaluation: bool = False) -> MeasurePage:
    """Check the role for ``page``, draw the filters, the title and the stamp (with the period's dates)."""
    user = ui.guard(page)
    view = filters.view_filters(user)
    if view is None:
        st.stop()
    st.title(title)
    if dates:
        st.caption(view.stamp + " · " + widgets.period_caption(view.period, data.today()).split(" · ", 1)[1])
    else:
        st.caption(view.stamp)
    return MeasurePage(user=user, view=view, now=data.this_hour(), evaluation=evaluation)
