"""家长学校 on screen: the sign-in of 活动录入 (tick who came) and the 家长学校 block of 协同活动.

The figures come from hxgy.metrics.parent_school, the lists from hxgy.queries.attendance, the write from
hxgy.entry.attendance. Guardians' and students' names are shown only to roles that may see the class's names
(rights.Action.VIEW_NAMES); the per-family list leaves only as an audited private download.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hxgy import auth, exports, formats, rights
from hxgy.entry.attendance import guidance_activity_or_none, set_attendance
from hxgy.metrics import parent_school
from hxgy.metrics.roster import ClassFilter, classes_in_view
from hxgy.queries import attendance as queries
from hxgy.rights import Action
from hxgy.terms import Period
from hxgy.ui import data, widgets
from hxgy.ui import entry as forms
from hxgy.ui.downloads import private_download
from hxgy.ui.measure_page import MeasurePage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_EDITOR_ROUND = "_hxgy_sign_in_round"


@data.figures("activities")
def parent_school_summary(period: Period, classes: ClassFilter) -> parent_school.ParentSchoolSummary:
    """The view's 家长学校 figures (parent_school.summary)."""
    with data.read_session() as session:
        return parent_school.summary(session, period, classes)


@data.figures("activities")
def parent_school_by_class(period: Period, classes: ClassFilter) -> pd.DataFrame:
    """class_name, families, families_attended, rate per class in view, by grade and number."""
    with data.read_session() as session:
        rates = parent_school.class_attendance(session, period, classes)
        names = classes_in_view(session, period, classes)[["class_id", "class_name"]]
    return names.merge(rates, on="class_id", how="inner")


# ---- 活动录入 → 家长学校签到 ------------------------------------------------------------------------


def sign_in_section(user: auth.SchoolUser) -> None:
    """家长学校签到: a guidance session, a class, then its families' guardians to tick who came."""
    st.subheader("家长学校签到")
    today = data.today()
    with data.read_session() as session:
        sessions = queries.guidance_activities(session, user.school_id, today)
    if not sessions:
        st.info("还没有登记家长学校活动：请先在上方登记一场类型为“家长学校”的活动，再为各班签到。")
        return
    activity_id = forms.pick("家长学校活动", sessions, key="sign-in-activity", placeholder="请选择活动…")
    if activity_id is None:
        return
    with data.read_session() as session:
        offered = queries.session_classes(session, user.school_id, activity_id)
        activity = guidance_activity_or_none(session, user.school_id, activity_id)
        day = activity.activity_date if activity is not None else today
        writable = rights.class_scope(session, user, Action.WRITE_ACTIVITY, on_day=day)
    classes = [(cid, name) for cid, name in offered if writable is None or cid in writable]
    if not classes:
        st.info("这场活动没有您可以签到的班级。")
        return
    class_id = forms.pick("班级", classes, key=f"sign-in-class-{activity_id}", placeholder="请选择班级…")
    if class_id is None:
        return
    with data.read_session() as session:
        sheet = queries.sign_in_sheet(session, user.school_id, activity_id, class_id)
        names_ok = rights.may(session, user, Action.VIEW_NAMES, class_id, on_day=today)
    if sheet.empty:
        st.info("该班学生还没有登记监护人，无法签到。")
        return
    shown = pd.DataFrame(
        {
            "学生": sheet["student"] if names_ok else sheet["student_no"],
            "家长": sheet["guardian"] if names_ok else "—",
            "关系": sheet["relation"],
            "到场": sheet["came"].astype(bool),
        }
    )
    round_no = st.session_state.get(_EDITOR_ROUND, 0)
    edited = st.data_editor(
        shown,
        hide_index=True,
        width="stretch",
        disabled=["学生", "家长", "关系"],
        column_config={"到场": st.column_config.CheckboxColumn("到场", width="small")},
        key=f"sign-in-{activity_id}-{class_id}-{round_no}",
    )
    came = [int(g) for g, ticked in zip(sheet["guardian_id"], edited["到场"], strict=True) if bool(ticked)]
    families = sheet.assign(came=edited["到场"].to_numpy()).groupby("student_no")["came"].any()
    st.caption(
        f"已勾选 {len(came)} 位家长，{int(families.sum())} / {len(families)} 户家庭到场。同一户有人到场即计该户参加。"
    )
    if st.button("保存签到", type="primary", width="stretch", key="sign-in-save"):
        ok, saved = forms.save(lambda session: set_attendance(session, user, activity_id, class_id, came, today=today))
        if ok and saved is not None:
            st.session_state[_EDITOR_ROUND] = round_no + 1
            if saved.changed:
                forms.flash(f"已保存签到：到场 {saved.present} 人（新增 {saved.added}，取消 {saved.removed}）。")
            else:
                forms.flash("签到没有变化。")


# ---- 协同活动 → 家长学校 --------------------------------------------------------------------------


def parent_school_block(page: MeasurePage) -> None:
    """家长学校: sessions, families reached, sessions per family, per-class family attendance; the per-family list
    (names) as a private download for roles that may see names."""
    view = page.view
    figures = parent_school_summary(view.period, view.classes)
    st.subheader("家长学校")
    mean = formats.number(figures.mean_per_family) if figures.mean_per_family is not None else "—"
    reached = formats.percent(figures.families_reached / figures.families) if figures.families else "—"
    widgets.figure_cards(
        [
            ("家长学校（场）", f"{figures.sessions:,}", "所选范围内举办的家庭教育指导活动（家长学校）场次"),
            (
                "覆盖家庭（户）",
                f"{figures.families_reached:,}",
                f"至少一位家长参加过的家庭；占全部 {figures.families:,} 户的 {reached}",
            ),
            ("户均参加场次", mean, "各户参加场次之和 ÷ 全部家庭户数（含未参加的家庭）；同一场两位家长到场计一次"),
            ("家长到场（人次）", f"{figures.attendances:,}", "签到的家长人次"),
        ]
    )
    if figures.sessions == 0:
        st.caption("所选范围内还没有家长学校活动。")
        return
    rates = parent_school_by_class(view.period, view.classes)
    table = pd.DataFrame(
        {
            "班级": rates["class_name"],
            "家庭户数": rates["families"],
            "参加户数": rates["families_attended"],
            "家庭参与率": [formats.percent(r) for r in rates["rate"]],
        }
    )
    widgets.table_block(table, title="各班家长学校家庭参与率", stamp=page.stamp, allowed=page.allowed, key="guidance")
    st.caption("家庭参与率 = 至少参加一场家长学校的家庭 ÷ 班级学生的家庭户数；兄弟姐妹在两个班的家庭在两个班各计一次。")
    named = _named_classes(page.user)
    if not page.allowed or (named is not None and not named):
        return
    what = f"家长学校参加情况（{page.stamp}）"

    def make() -> tuple[bytes, int]:
        with data.read_session() as session:
            listing = queries.family_list(session, view.period, view.classes, named)
        return exports.excel_bytes({"家长学校参加情况": listing}, stamp=page.stamp), len(listing)

    private_download(
        "下载各户参加情况（含姓名）",
        make=make,
        file_name="家长学校参加情况.xlsx",
        mime=XLSX,
        what=what,
        key="guidance-families",
        icon=":material/table:",
    )


def _named_classes(user: auth.SchoolUser) -> frozenset[int] | None:
    """The classes whose names the user may see today (None: every class); empty: none."""
    if not rights.can(user.role, Action.VIEW_NAMES):
        return frozenset()
    with data.read_session() as session:
        return rights.class_scope(session, user, Action.VIEW_NAMES, on_day=data.today())
