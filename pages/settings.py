"""设置: terms, classes and teachers, accounts, lists, 德育 scheme, targets and limits, a new school year, 家庭数据,
消息提醒 (docs/notify.md), 家委会, 合作单位."""

import streamlit as st

from hxgy import ui
from hxgy.queries import school_setup
from hxgy.ui import (
    data,
    settings_committee,
    settings_notify,
    settings_partners,
    settings_people,
    settings_privacy,
    settings_rules,
    settings_years,
)
from hxgy.ui import entry as forms

user = ui.guard("settings")

st.title("设置")
# the last save's message, in a container that is always there: a message drawn straight above the tabs moved them
# down one element, and the browser then drew them afresh on the first tab instead of the one the user was on
flash = st.container()
with flash:
    forms.show_flash()
tabs = st.tabs(
    [
        "学年学期",
        "班级与教师",
        "账户",
        "类别",
        "合作单位",
        "德育评价",
        "目标与时限",
        "升年级",
        "消息提醒",
        "家委会",
        "家庭数据",
    ]
)
with data.read_session() as session:
    terms = school_setup.years_and_terms(session, user.school_id)

with tabs[0]:
    settings_years.years_tab(user, terms, data.today())
with tabs[1]:
    settings_people.classes_tab(user, terms)
with tabs[2]:
    settings_people.accounts_tab(user)
with tabs[3]:
    settings_rules.lists_tab(user)
with tabs[4]:
    settings_partners.partners_tab(user)
with tabs[5]:
    settings_rules.moral_tab(user)
with tabs[6]:
    settings_rules.targets_tab(user, dict(zip(terms["term_id"], terms["学期"], strict=True)))
with tabs[7]:
    settings_years.promotion_tab(user, terms)
with tabs[8]:
    settings_notify.notify_tab(user)
with tabs[9]:
    settings_committee.committee_tab(user, terms)
with tabs[10]:  # the last tab: tests/app/test_settings_privacy.py reads it as at.tabs[-1]
    settings_privacy.privacy_tab(user)
