"""我的账户: who I am, and changing my password."""

import streamlit as st

from hxgy import auth, ui
from hxgy.entry import accounts
from hxgy.glossary import ROLE_LABELS
from hxgy.ui import entry as forms

user = ui.guard("account")

st.title("我的账户")
st.markdown(f"**{user.display_name}** · {ROLE_LABELS[user.role]} · 用户名 `{user.username}`")

with st.form("change-password", clear_on_submit=True):
    st.subheader("修改密码")
    old = st.text_input("原密码", type="password")
    new = st.text_input("新密码", type="password", help=f"至少 {auth.MIN_PASSWORD_CHARS} 个字符，可以用中文或一句话")
    again = st.text_input("再次输入新密码", type="password")
    submitted = st.form_submit_button("保存新密码")

if submitted:
    if new != again:
        st.error("两次输入的新密码不一致。")
    else:
        try:
            forms.write(lambda session: accounts.change_own_password(session, user, old, new))
        except (auth.PasswordError, auth.AccountError) as exc:
            st.error(str(exc))
        else:
            st.success("密码已修改。下次登录请使用新密码。")
