"""学生档案: find a student (学号 or name; teachers: their classes), then the family's whole story, newest first."""

import streamlit as st

from hxgy import ui
from hxgy.ui import student

user = ui.guard("student")

st.title("学生档案")
student.student_page(user)
