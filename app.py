"""hxgy entry point: page setup, login, and the pages this user's role may open."""

import streamlit as st

from hxgy import ui
from hxgy.navigation import landing_page, navigation_for_role
from hxgy.ui import data
from hxgy.ui.layout import phone_layout

st.set_page_config(page_title="家校社协同育人", page_icon=":material/diversity_3:", layout="wide")

with ui.database_down_message():  # the database server stopped: a clear message, and the next click works again
    data.follow_other_processes()  # another process wrote: drop cached figures
    user = ui.login_gate()
    if user is None:
        st.stop()
    if ui.sidebar_account(user):
        st.info("您已退出登录。")
        st.stop()

    landing = landing_page(user.role).key
    sections = {  # pages outside the role are hidden from the menu; opened by address, their guard refuses them
        section: [
            st.Page(
                p.path,
                title=p.title,
                icon=p.icon,
                url_path=p.key,
                default=p.key == landing,
                visibility="visible" if shown else "hidden",
            )
            for p, shown in pages
        ]
        for section, pages in navigation_for_role(user.role).items()
    }
    page = st.navigation(sections, expanded=True)  # every page listed, none behind "View more"
    phone_layout()  # the menu closes after a page is chosen on a phone; wide/narrow parts of pages
    st.session_state[ui.VIA_APP_KEY] = True
    page.run()
