"""hxgy entry point: page setup, login, and the pages this user's role may open."""

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from hxgy import ui
from hxgy.navigation import landing_page, navigation_for_role
from hxgy.ui import data, gate
from hxgy.ui.layout import phone_layout

_MENU_KEY = "_hxgy_menu"  # (role, the st.Page sections of its menu): made once a session, not on every run


def menu(role: str) -> dict[str, list[StreamlitPage]]:
    """Every page, grouped by the role's sections; pages outside the role hidden from the menu (opened by
    address, their guard refuses them). Kept in the session: its runs take turns, never two at once."""
    kept = st.session_state.get(_MENU_KEY)
    if kept is not None and kept[0] == role:
        return kept[1]
    landing = landing_page(role).key
    sections = {
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
        for section, pages in navigation_for_role(role).items()
    }
    st.session_state[_MENU_KEY] = (role, sections)
    return sections


st.set_page_config(page_title="家校社协同育人", page_icon="🏫", layout="wide")

with ui.database_down_message():  # the database server stopped: a clear message, and the next click works again
    data.follow_other_processes()  # another process wrote: drop cached figures
    user = ui.login_gate()
    if user is None:
        st.stop()
    if ui.sidebar_account(user):
        st.info("您已退出登录。")
        st.stop()

    page = st.navigation(menu(user.role), expanded=True)  # every page listed, none behind "View more"
    wrong_address = gate.unknown_address()  # Streamlit opens the landing page instead
    if wrong_address:
        gate.refuse_address(user, wrong_address)
    phone_layout()  # the menu closes after a page is chosen on a phone; wide/narrow parts of pages
    st.session_state[ui.VIA_APP_KEY] = True
    page.run()
