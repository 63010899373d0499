"""设置: terms, classes and teachers, accounts, lists, 德育 scheme, targets and limits, a new school year, 家庭数据,
消息提醒 (docs/notify.md), 家委会, 合作单位, 工作要求 (hxgy.compliance)."""

import streamlit as st

from hxgy import ui
from hxgy.queries import school_setup
from hxgy.ui import (
    data,
    settings_committee,
    settings_compliance,
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
NAMES = (
    "学年学期", "班级与教师", "账户", "类别", "合作单位", "德育评价", "目标与时限", "工作要求", "升年级", "消息提醒",
    "家委会", "家庭数据",  # 家庭数据 stays last: tests/app/test_settings_privacy.py reads it as at.tabs[-1]
)  # fmt: skip
tab = dict(zip(NAMES, st.tabs(list(NAMES)), strict=True))
with data.read_session() as session:
    terms = school_setup.years_and_terms(session, user.school_id)

with tab["学年学期"]:
    settings_years.years_tab(user, terms, data.today())
with tab["班级与教师"]:
    settings_people.classes_tab(user, terms)
with tab["账户"]:
    settings_people.accounts_tab(user)
with tab["类别"]:
    settings_rules.lists_tab(user)
with tab["合作单位"]:
    settings_partners.partners_tab(user)
with tab["德育评价"]:
    settings_rules.moral_tab(user)
with tab["目标与时限"]:
    settings_rules.targets_tab(user, dict(zip(terms["term_id"], terms["学期"], strict=True)))
with tab["工作要求"]:
    settings_compliance.rules_tab(user)
with tab["升年级"]:
    settings_years.promotion_tab(user, terms)
with tab["消息提醒"]:
    settings_notify.notify_tab(user)
with tab["家委会"]:
    settings_committee.committee_tab(user, terms)
with tab["家庭数据"]:
    settings_privacy.privacy_tab(user)
