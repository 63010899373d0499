"""会议投屏: the term's story as full-screen slides of class-level aggregates, and the same slides as a PPTX."""

import streamlit as st

from hxgy import ui
from hxgy.glossary import grade_name
from hxgy.meeting import pack
from hxgy.meeting.slides import MIN_GROUP, SECTIONS, build_deck, stamp_of
from hxgy.metrics.roster import ClassFilter
from hxgy.ui import data, slides, widgets

user = ui.guard("meeting")

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
AUTO_CHOICES = {0: "不自动翻页", 10: "每 10 秒", 20: "每 20 秒", 30: "每 30 秒", 60: "每 60 秒"}

state = slides.state()
terms = data.school_terms(user.school_id)
if not terms:
    st.info("学校尚未设置学期。请管理员在设置中添加学年和学期。")
    st.stop()
names = dict(terms)
options = state.setdefault(
    "options",
    {
        "term": data.current_term_id(user.school_id) or terms[-1][0],
        "grade": None,
        "sections": list(SECTIONS),
        "screen": "1080",
        "auto": 0,
    },
)
if not state["presenting"]:
    st.title("会议投屏")
    st.caption(
        f"全屏显示各班汇总数据，不显示任何学生或家长姓名、个人成绩；不足 {MIN_GROUP} 名学生的班级或群体不单独显示。"
    )
    with st.container(border=True):
        left, right = st.columns(2)
        term_ids = [t for t, _ in reversed(terms)]
        options["term"] = widgets.term_picker(left, term_ids, names, options["term"], key="m-term")
        year = data.period_for_term(options["term"]).school_year_id
        grades = sorted({g for _, _, g in data.classes_of_year(user.school_id, year)})
        grade_options = [None, *grades]
        options["grade"] = right.selectbox(
            "年级",
            grade_options,
            index=grade_options.index(options["grade"]) if options["grade"] in grade_options else 0,
            format_func=lambda g: "全部年级" if g is None else grade_name(g),
            key="m-grade",
            placeholder="全部年级",
        )
        chosen = st.segmented_control(
            "幻灯片",
            list(SECTIONS),
            selection_mode="multi",
            default=options["sections"],
            format_func=lambda s: SECTIONS[s],
            key="m-sections",
        )
        options["sections"] = [s for s in SECTIONS if s in (chosen or [])]
        left, right = st.columns(2)
        options["screen"] = left.segmented_control(
            "投影分辨率",
            list(slides.SCREENS),
            default=options["screen"],
            format_func=lambda k: slides.SCREENS[k].label,
            key="m-screen",
            required=True,
        )
        options["auto"] = right.selectbox(
            "自动翻页",
            list(AUTO_CHOICES),
            index=list(AUTO_CHOICES).index(options["auto"]),
            format_func=lambda a: AUTO_CHOICES[a],
            key="m-auto",
        )

period = data.period_for_term(options["term"])
classes = ClassFilter(user.school_id, options["grade"], None)
school = data.school_name(user.school_id)
stamp = stamp_of(school, period, options["grade"])
deck = build_deck(
    data.meeting_figures(period, classes, data.this_hour()), school_name=school, sections=options["sections"]
)
# the pack offered for download must be of these slides: same choices, same hour's figures, same stamp
chosen_key = (options["term"], options["grade"], tuple(options["sections"]), data.this_hour(), stamp)

if state["presenting"] and deck:
    slides.present(deck, stamp=stamp, size=slides.SCREENS[options["screen"]], auto_seconds=options["auto"])
    st.stop()

if not options["sections"]:
    st.warning("请至少选择一组幻灯片。")
    st.stop()

st.markdown(f"**共 {len(deck)} 页：** " + "、".join(widgets.plain(s.title) for s in deck))
start, download = st.columns(2)
if start.button("开始投屏", type="primary", icon=":material/slideshow:", width="stretch", key="m-start"):
    state.update(presenting=True, index=0, shown_at=0.0)
    st.rerun()
start.caption("投屏时按 → / ← 翻页，Esc 退出；按 F11 让浏览器全屏。")
with download:
    if st.button("生成幻灯片文件（PPTX）", icon=":material/download:", width="stretch", key="m-pack"):
        bar = st.progress(0.0, text="正在生成幻灯片")
        state["pack"] = (chosen_key, pack.slide_pack(deck, stamp=stamp, progress=lambda f, t: bar.progress(f, t)))
        bar.empty()
    built = state.get("pack")
    if built and built[0] == chosen_key:
        st.download_button(
            "下载幻灯片",
            data=built[1],
            file_name=f"{school}_{period.label}_"  # a grade's pack is named for its grade
            f"{grade_name(options['grade']) if options['grade'] else '全部年级'}_家校社协同育人.pptx",
            mime=PPTX,
            on_click="ignore",
            icon=":material/slideshow:",
            width="stretch",
            key="m-pack-download",
        )
