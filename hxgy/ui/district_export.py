"""全区 → 统计表: choose a term, download one row per school as .xlsx (hxgy/transfer/district_table.py).

The file names no child, family or member of staff, so it is an ordinary st.download_button; it is made when the
button is clicked (Streamlit runs the callable then), not on every rerun of the page.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from hxgy.auth import CurrentUser
from hxgy.models.base import utcnow
from hxgy.queries.district import district_term_choices
from hxgy.transfer.district_table import district_table, district_table_bytes, district_table_file_name
from hxgy.ui import data
from hxgy.ui import entry as forms

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(user: CurrentUser, *, allowed: bool) -> None:
    """The term box and the download button (nothing without the right to download or without a district)."""
    district = user.district
    if not allowed or not district:
        return
    st.subheader("全区统计表")
    with data.read_session() as session:
        choices = district_term_choices(session, district=district, today=data.today())
    if not choices:
        st.caption("本区学校尚未开始任何学期。")
        return
    names = {(year, term_no): name for year, term_no, name in choices}
    chosen = forms.choose_one("学期", names, key="district-table-term")
    start_year, term_no = chosen
    st.caption(
        "每校一行：学生数、班级数、主要指标、协同活动、按类型的签约合作单位、校外实践基地使用和各项工作要求（达标/未达标/"
        "未到期），最后一行为全区合计。不含任何学生或家长的个人信息。"
    )

    def make() -> bytes:
        now: datetime = utcnow()
        with data.read_session() as session:
            table = district_table(
                session, district=district, start_year=start_year, term_no=term_no, today=data.today(), now=now
            )
        return district_table_bytes(table, now=now)

    st.download_button(
        "下载统计表（Excel）",
        data=make,
        file_name=district_table_file_name(district, names[chosen]),
        mime=XLSX,
        key="district-table-download",
    )
