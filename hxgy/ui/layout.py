"""Page chrome that Streamlit has no setting for: the phone menu closes after a page is chosen, and
parts of a page can differ between a wide screen and a phone.

Streamlit 1.67 collapses the sidebar after a menu click only when the browser's user agent says
"mobile" (``deviceType === "mobile"`` in its frontend); a narrow window with another user agent (a
phone browser asking for the desktop site, some in-app browsers, a test on a 390-pixel viewport) keeps
the menu open over the page it just opened. A small script closes it there too.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from hxgy.glossary import STATUS_LABELS

NARROW_PX = 640  # at or below: the phone layout (containers keyed narrow-*); above: the wide one (wide-*)
MENU_OVERLAY_PX = 768  # Streamlit's "md" breakpoint: at or below it the sidebar lies over the page

_CSS = f"""
<style>
@media (max-width: {NARROW_PX}px) {{ [class*="st-key-wide-"] {{ display: none !important; }} }}
@media (min-width: {NARROW_PX + 1}px) {{ [class*="st-key-narrow-"] {{ display: none !important; }} }}
.st-key-hxgy-scripts {{ display: none !important; }}
/* a figure fits its card: the value's type shrinks with the card (2,029.0 小时 in a quarter of a laptop screen)
   instead of ending in "…" */
[data-testid="stColumn"]:has([data-testid="stMetric"]) {{ container-type: inline-size; }}
[data-testid="stMetricValue"] {{ font-size: clamp(1.4rem, 13cqi, 2.25rem) !important; }}
/* less empty space above the breadcrumb and filters */
[data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem !important; }}
</style>
"""

# One listener for the life of the browser tab: after a click on a menu link in a narrow window,
# press the sidebar's own collapse button if the menu is still open.
_CLOSE_MENU = f"""
<script>
(function () {{
  if (window.hxgyMenuCloser) return;
  window.hxgyMenuCloser = true;
  document.addEventListener("click", function (event) {{
    var link = event.target && event.target.closest && event.target.closest('[data-testid="stSidebarNavLink"]');
    if (!link || window.innerWidth > {MENU_OVERLAY_PX}) return;
    window.setTimeout(function () {{
      var sidebar = document.querySelector('[data-testid="stSidebar"]');
      if (!sidebar || sidebar.getAttribute("data-collapsed") !== "false") return;
      var button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (button) button.click();
    }}, 50);
  }}, true);
}})();
</script>
"""


def phone_layout() -> None:
    """The CSS that switches wide-*/narrow-* containers, and the script that closes the phone menu."""
    st.html(_CSS)  # style only: Streamlit adds it without taking room on the page
    with st.container(key="hxgy-scripts"):
        st.html(_CLOSE_MENU, unsafe_allow_javascript=True)


def wide(name: str):  # noqa: ANN201 - a Streamlit container
    """A container shown only on a screen wider than a phone."""
    return st.container(key=f"wide-{name}")


def narrow(name: str):  # noqa: ANN201 - a Streamlit container
    """A container shown only on a phone-width screen."""
    return st.container(key=f"narrow-{name}")


_BADGE = {"red": "red", "amber": "orange"}  # status → Streamlit badge colour, for the measures that lag


def status_list(cells: pd.DataFrame, open_class: Callable[[int], None] | None = None) -> None:
    """The status grid for a phone: per class, only the measures below target, as coloured badges.

    ``cells``: charts.status_cells rows (class_id, 班级, 指标, 数值, status). Classes that meet every target
    are named on one line; measures without a target or data (and 德育 not yet complete) are left out, and
    the page says so. ``open_class``: when given, each class name is a button that opens the class.
    """
    lagging = cells[cells["status"].isin(list(_BADGE))]
    order = list(dict.fromkeys(zip(cells["class_id"], cells["班级"], strict=True)))
    if lagging.empty:
        st.success("各班各项指标均已达到（按进度的）目标。")
    else:
        st.markdown(f":red-badge[{STATUS_LABELS['red']}] :orange-badge[{STATUS_LABELS['amber']}] 的指标：")
    badges_of: dict[object, list[str]] = {}  # class id → its badges, in the order of the cells
    for class_id, m, v, s in zip(lagging["class_id"], lagging["指标"], lagging["数值"], lagging["status"], strict=True):
        badges_of.setdefault(class_id, []).append(f":{_BADGE[s]}-badge[{_escape(m)} {_escape(v)}]")
    listed = st.container(gap="xxsmall")  # one class a line, close together
    for class_id, name in order:
        if class_id not in badges_of:
            continue
        row = listed.container(horizontal=True, vertical_alignment="center", gap="small")
        if open_class is None:
            row.markdown(f"**{_escape(name)}**", width="content")
        else:
            row.button(
                f"{name} ›", key=f"status-open-{class_id}", type="tertiary", on_click=open_class, args=(class_id,)
            )
        row.markdown(" ".join(badges_of[class_id]), width="stretch")
    met = [name for class_id, name in order if class_id not in badges_of]
    if met and not lagging.empty:
        st.markdown(f":green-badge[{STATUS_LABELS['green']}] 各项均达标：" + "、".join(_escape(n) for n in met))
    st.caption("无目标、无数据或评价未完成的指标未列出；横屏或在电脑上可看完整的表格。")


def _escape(text: object) -> str:
    """Text inside a Markdown badge: brackets and Markdown characters written literally."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*")
