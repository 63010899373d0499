"""Drawing the meeting screen: one slide filling a projector, large type, previous/next and auto-advance.

The slides themselves (what is on them, what is left out) come from
hxgy.meeting.slides; this module only lays them out for a 1920×1080 or a
1280×720 screen.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from hxgy import charts
from hxgy.meeting.slides import BigFigure, Slide

STATUS_CSS = {"green": "#2e7d32", "amber": "#b07800", "red": "#c62828", "grey": "#222", "incomplete": "#666"}


@dataclass(frozen=True)
class ScreenSize:
    """Type sizes (px) and chart height for one projector resolution."""

    label: str
    title: int
    value: int
    caption: int
    chart_font: int
    chart_height: int  # with figures above it
    chart_height_alone: int


SCREENS: dict[str, ScreenSize] = {
    "1080": ScreenSize("1920×1080", 48, 54, 22, 22, 600, 760),
    "720": ScreenSize("1280×720", 32, 34, 15, 15, 380, 480),
}
STATE = "_hxgy_meeting"  # the meeting screen's own state: presenting, slide index, options


def state() -> dict:
    """The meeting screen's state in this browser session."""
    return st.session_state.setdefault(STATE, {"presenting": False, "index": 0, "shown_at": 0.0})


def full_screen_style(size: ScreenSize) -> None:
    """Hide the sidebar, header and toolbar, and let the slide use the whole screen."""
    st.markdown(
        f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stElementToolbar"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 1.2rem 2.5rem 0.5rem 2.5rem !important; max-width: 100% !important; }}
[data-testid="stElementContainer"]:has(iframe[data-testid="stCustomComponentV1"]) {{
  height: 0 !important; overflow: hidden; margin-bottom: -1rem; }}
.hxgy-slide-title {{ font-size: {size.title}px; font-weight: 700; line-height: 1.2; margin: 0 0 .3em 0; }}
.hxgy-figures {{ display: flex; flex-wrap: wrap; gap: 1.2rem 2.5rem; margin: .2em 0 .4em 0; }}
.hxgy-figures.alone {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 1.5rem; margin-top: 1.5rem; }}
.hxgy-figures.alone .hxgy-figure {{ background: #f6f7f9; border-radius: .6rem; padding: 1rem 1.4rem; }}
.hxgy-figures.alone .value {{ font-size: {int(size.value * 1.35)}px; }}
.st-key-hxgy-foot {{ position: fixed; bottom: 0; left: 0; right: 0; padding: .4rem 2.5rem .6rem 2.5rem;
  background: white; border-top: 1px solid #eee; z-index: 100; }}
.hxgy-figure .label {{ font-size: {size.caption}px; color: #555; }}
.hxgy-figure .value {{ font-size: {size.value}px; font-weight: 700; line-height: 1.1; }}
.hxgy-figure .detail {{ font-size: {int(size.caption * 0.85)}px; color: #555; }}
.hxgy-note {{ font-size: {size.caption}px; color: #333; margin: .2em 0; }}
.hxgy-stamp {{ font-size: {int(size.caption * 0.85)}px; color: #666; }}
.hxgy-page-number {{ font-size: {size.caption}px; color: #333; font-weight: 600; }}
</style>""",
        unsafe_allow_html=True,
    )


def _figure_html(figure: BigFigure) -> str:
    colour = STATUS_CSS.get(figure.status, "#222")
    detail = f'<div class="detail">{html.escape(figure.detail)}</div>' if figure.detail else ""
    return (
        f'<div class="hxgy-figure"><div class="label">{html.escape(figure.label)}</div>'
        f'<div class="value" style="color: {colour}">{html.escape(figure.value)}</div>{detail}</div>'
    )


def draw_slide(slide: Slide, size: ScreenSize) -> None:
    """One slide: title, its figures in a row, the chart sized for the screen, and the notes."""
    st.markdown(f'<div class="hxgy-slide-title">{html.escape(slide.title)}</div>', unsafe_allow_html=True)
    if slide.figures:
        cells = "".join(_figure_html(f) for f in slide.figures)
        layout = "hxgy-figures" if slide.chart is not None else "hxgy-figures alone"
        st.markdown(f'<div class="{layout}">{cells}</div>', unsafe_allow_html=True)
    if slide.chart is not None:
        height = size.chart_height if slide.figures else size.chart_height_alone
        chart = charts.for_projector(slide.chart, height=height, font_size=size.chart_font)
        st.altair_chart(chart, width="stretch", height=height)
    for note in slide.notes:
        st.markdown(f'<div class="hxgy-note">{html.escape(note)}</div>', unsafe_allow_html=True)


def _go(step: int, count: int) -> None:
    current = state()
    current["index"] = (current["index"] + step) % count
    current["shown_at"] = time.monotonic()


def controls(count: int, stamp: str, auto_seconds: int) -> None:
    """The foot of every slide: the stamp, the page number, previous / next / exit (← → and Esc work too)."""
    index = state()["index"]
    foot = st.container(key="hxgy-foot")  # pinned to the bottom of the screen by full_screen_style
    left, middle, right = foot.columns([6, 1, 3], vertical_alignment="center")
    auto = f" · 每 {auto_seconds} 秒自动翻页" if auto_seconds else ""
    left.markdown(f'<div class="hxgy-stamp">{html.escape(stamp)}{auto}</div>', unsafe_allow_html=True)
    middle.markdown(f'<div class="hxgy-page-number">{index + 1} / {count}</div>', unsafe_allow_html=True)
    with right:
        buttons = st.columns(3)
        buttons[0].button("上一页", key="m-prev", on_click=_go, args=(-1, count), shortcut="Left", width="stretch")
        buttons[1].button("下一页", key="m-next", on_click=_go, args=(1, count), shortcut="Right", width="stretch")
        if buttons[2].button("退出", key="m-exit", shortcut="Esc", width="stretch"):
            state()["presenting"] = False
            st.rerun(scope="app")  # back to the choices, sidebar shown again


def present(slides: Sequence[Slide], *, stamp: str, size: ScreenSize, auto_seconds: int) -> None:
    """Show the current slide full screen; with auto-advance, move on every ``auto_seconds``."""
    full_screen_style(size)
    current = state()
    current["index"] = min(current["index"], len(slides) - 1)

    @st.fragment(run_every=auto_seconds or None)
    def show() -> None:
        now = time.monotonic()
        if auto_seconds and now - current["shown_at"] >= auto_seconds - 0.5:
            if current["shown_at"]:
                current["index"] = (current["index"] + 1) % len(slides)
            current["shown_at"] = now
        draw_slide(slides[current["index"]], size)
        controls(len(slides), stamp, auto_seconds)

    show()
