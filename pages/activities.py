"""协同活动: what was held, when, with whom, and how many parents came."""

import streamlit as st

from hxgy import charts, formats
from hxgy.glossary import SCOPE_LABELS
from hxgy.metrics import activities
from hxgy.ui import details, widgets
from hxgy.ui.attendance import parent_school_block
from hxgy.ui.measure_page import open_page

page = open_page("activities", "协同活动")
view = page.view
totals = details.participation_totals(view.period, view.classes)
page.cards(("activities", "parent_attendance"))
attendance_note = formats.class_attendance_note(totals)
widgets.figure_cards(
    [
        ("参与学生（人次）", f"{totals['students']:,}", attendance_note or "各活动参与学生人次之和"),
        ("参与家长（人次）", f"{totals['parents']:,}", attendance_note or "各活动参与家长人次之和"),
    ]
    + (
        [("参与家庭（户次）", f"{totals['families']:,}", "各活动参与家庭户数之和；一户参加两场计两户次")]
        if totals["families"] is not None
        else []
    )
)
if attendance_note:
    st.caption(attendance_note + "。")
page.trend(("activities", "parent_attendance"))

listing = details.activity_list(view.period, view.classes)
if listing.empty:
    st.info("所选范围内还没有协同活动记录。")
    st.stop()

st.subheader("活动类型与月份")
by_month = details.activities_by_type_month(view.period, view.classes)
shown = by_month.assign(
    月份=[f"{m.year}年{m.month}月" for m in by_month["month"]],
    活动类型=by_month["type_name"],
    场次=by_month["activities"],
)
months, title, stamp = list(dict.fromkeys(shown["月份"])), "各月协同活动", page.stamp
chart = charts.bars(
    shown, category="月份", value="场次", colour="活动类型", title=title, stamp=stamp, horizontal=False, order=months
)
page.chart(chart, shown, ["月份", "活动类型", "场次"], title=title, key="month")

st.subheader("各班家长到场")
extra = {"到场人次": "parents_attended", "应到人次": "attendance_base", "参与活动": "class_activities"}
page.class_bars("parent_attendance", extra, download_key="attendance", judged=False)
st.caption(
    "到场率 = 家长到场人次 ÷ 应到人次；应到人次 = 登记了本班到场人数的活动场次 × 班级学生数。"
    "参与活动为本班参与的全部活动场次。"
)

parent_school_block(page)

st.subheader("合作单位")
partners = details.partner_summary(view.period, view.classes)
columns = ["partner_name", "partner_type", "activities", "latest", "titles"]
page.table(partners, columns, title="合作单位与协同活动", key="partners")

st.subheader("活动一览")
listing = listing.assign(scope=listing["scope"].map(SCOPE_LABELS))
page.table(listing, activities.LIST_COLUMNS, title="协同活动一览", key="list")
