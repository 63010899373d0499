"""The pages of the app and which roles may open each (those the actions of hxgy.rights.TABLE allow).

app.py builds st.navigation from ``navigation_for_role``: the role's pages in
its menu, and every other page registered but hidden, so that opening one by
its address (a bookmark, a link from a colleague with another role) runs that
page, whose hxgy.ui.guard says in Chinese that the account may not open it,
instead of Streamlit silently showing the landing page. Every page file calls
guard with its key, so a page outside a role is refused however it is opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from hxgy.rights import TRANSFER_ACTIONS, WRITE_ACTIONS, Action, Role, any_allowed, roles_for


@dataclass(frozen=True)
class PageSpec:
    """A page (its file is pages/<key>.py): title, icon, section and the actions of hxgy.rights that open it."""

    key: str
    title: str
    icon: str
    section: str
    actions: tuple[Action, ...]  # a role may open the page when it may do one of these

    @property
    def path(self) -> str:
        """The page's file, from the project root."""
        return f"pages/{self.key}.py"

    @property
    def roles(self) -> frozenset[str]:
        """The roles that may open the page."""
        return frozenset().union(*(roles_for(action) for action in self.actions))


DASHBOARD = (Action.VIEW_FIGURES,)
NAMES = (Action.VIEW_NAMES,)  # 待办 and 学生档案 name children: the roles that may see names (teachers: own classes)
VOLUNTEER_ENTRY = (Action.WRITE_VOLUNTEERING, Action.CONFIRM_VOLUNTEERING)  # hours entered, and confirmed
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "总览", ":material/dashboard:", "概览", DASHBOARD),
    PageSpec("todo", "待办", ":material/checklist:", "概览", NAMES),
    PageSpec("student", "学生档案", ":material/person_search:", "概览", NAMES),
    PageSpec("district", "全区", ":material/account_balance:", "概览", (Action.DISTRICT_VIEW,)),
    PageSpec("communication", "家校沟通", ":material/forum:", "指标", DASHBOARD),
    PageSpec("volunteers", "家长志愿", ":material/volunteer_activism:", "指标", DASHBOARD),
    PageSpec("moral", "德育评价", ":material/workspace_premium:", "指标", DASHBOARD),
    PageSpec("activities", "协同活动", ":material/groups:", "指标", DASHBOARD),
    PageSpec("compliance", "合规", ":material/rule:", "概览", (Action.VIEW_COMPLIANCE,)),
    PageSpec("report", "学期报告", ":material/description:", "概览", (Action.REPORT,)),
    PageSpec("meeting", "会议投屏", ":material/slideshow:", "概览", (Action.MEETING_SCREEN,)),
    PageSpec("log_contact", "记录沟通", ":material/edit_note:", "录入", (Action.WRITE_CONTACT,)),
    PageSpec("volunteer_entry", "志愿登记", ":material/schedule:", "录入", VOLUNTEER_ENTRY),
    PageSpec("request_entry", "家长诉求", ":material/mail:", "录入", (Action.WRITE_REQUEST,)),
    PageSpec("moral_entry", "德育评分", ":material/grading:", "录入", (Action.WRITE_MORAL,)),
    PageSpec("activity_entry", "活动录入", ":material/event:", "录入", (Action.WRITE_ACTIVITY,)),
    PageSpec("notice_entry", "通知登记", ":material/campaign:", "录入", (Action.WRITE_ACTIVITY,)),
    PageSpec("satisfaction_entry", "满意度录入", ":material/thumb_up:", "录入", (Action.WRITE_SATISFACTION,)),
    PageSpec("records", "记录管理", ":material/edit_document:", "录入", WRITE_ACTIONS),
    PageSpec("data_transfer", "导入导出", ":material/upload_file:", "录入", TRANSFER_ACTIONS),
    PageSpec("settings", "设置", ":material/settings:", "管理", (Action.MANAGE_SETTINGS,)),
    PageSpec("audit", "操作日志", ":material/history:", "管理", (Action.AUDIT,)),
    PageSpec("account", "我的账户", ":material/person:", "账户", (Action.OWN_ACCOUNT,)),
)  # fmt: skip

PAGES_BY_KEY: dict[str, PageSpec] = {page.key: page for page in PAGES}


def page_allowed(role: str, page_key: str) -> bool:
    """Whether ``role`` may open the page ``page_key``."""
    page = PAGES_BY_KEY.get(page_key)
    return page is not None and any_allowed(role, page.actions)


LANDING_PAGES: dict[str, str] = {
    Role.DISTRICT: "district",
    Role.MEETING: "meeting",
    Role.HEAD_TEACHER: "todo",  # what is due in their classes, on the phone
    Role.TEACHER: "todo",
}


def landing_page(role: str) -> PageSpec:
    """The page a role opens on: 待办 for a head or subject teacher, 总览 for the school's leaders, 全区 for the
    district, the slides for the meeting screen."""
    return PAGES_BY_KEY[LANDING_PAGES.get(role, "overview")]


def pages_for_role(role: str) -> dict[str, list[PageSpec]]:
    """The pages a role sees, grouped by section in display order; the landing page heads the first section."""
    landing = landing_page(role)
    sections: dict[str, list[PageSpec]] = {}
    for page in sorted(PAGES, key=lambda p: p != landing):  # stable: the others keep their order
        if any_allowed(role, page.actions):
            sections.setdefault(page.section, []).append(page)
    return sections


def navigation_for_role(role: str) -> dict[str, list[tuple[PageSpec, bool]]]:
    """Every page for st.navigation, grouped by the role's sections, each with whether the role's menu shows it.

    The pages the role may not open come last, hidden, in the role's last section (a section of hidden pages
    only would show an empty heading).
    """
    sections: dict[str, list[tuple[PageSpec, bool]]] = {
        section: [(page, True) for page in pages] for section, pages in pages_for_role(role).items()
    }
    hidden = [(page, False) for page in PAGES if not any_allowed(role, page.actions)]
    if sections:
        sections[list(sections)[-1]].extend(hidden)
    elif hidden:
        sections[""] = hidden
    return sections


def ignore_pages_folder() -> None:
    """Never run Streamlit's legacy multipage mode for the ``pages/`` folder next to app.py (serve.py, at start).

    Streamlit runs every session in that mode until some session has called ``st.navigation``: it lists every
    file of ``pages/`` in the sidebar (every page name, to a browser nobody has signed in on) and runs a page
    file opened by its address without app.py. app.py calls ``st.navigation`` only after sign-in, so on a
    fresh server that lasted until the first sign-in. With this, every run goes through app.py from the start.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
