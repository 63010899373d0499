"""The import page's pieces: a progress bar that hxgy.transfer reports to, and the cached plan of an upload."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

STAGES = {"读取文件": (0.0, 0.3), "检查每一行": (0.3, 0.7), "写入数据库": (0.7, 0.95), "更新统计": (0.95, 1.0)}


def progress_bar(title: str) -> tuple[Callable[[str, float], None], Callable[[], None]]:
    """A bar that the stages of an import move along; returns (report, close)."""
    bar = st.progress(0.0, text=title)

    def report(stage: str, fraction: float) -> None:
        low, high = STAGES.get(stage, (0.0, 1.0))
        bar.progress(min(1.0, low + (high - low) * max(0.0, min(1.0, fraction))), text=f"{title}：{stage}")

    return report, bar.empty
