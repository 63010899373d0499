"""No screen shows a raw `None`, `nan`, `NaT`, `<NA>` or one of Streamlit's English placeholders.

Every page of every role is run in AppTest on the demo school. Everything the run sends to the browser is
read: every text field of every element (titles, markdown, captions, metrics, alerts, widget labels, help,
options, placeholders), every cell and header of every table (st.dataframe and st.data_editor). A table
with missing cells must say what to show for them (``placeholder``; Streamlit writes "None" otherwise), and
an empty table shows Streamlit's English "empty", so a page says so in words instead. A selectbox showing
no choice (or one that can be cleared to none), and any multiselect, must carry a
Chinese placeholder (Streamlit's own is "Choose an option").

The file uploader's own text ("Drag and drop file here", "Browse files") cannot be translated in Streamlit;
docs/development.md says so, and its proto fields are not read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd
import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from hxgy.models import ROLES
from hxgy.navigation import pages_for_role
from tests.app.test_pages import USERNAME

RAW = re.compile(r"(?<![A-Za-z_])(None|nan|NaN|NaT|<NA>|null)(?![A-Za-z_])")
ENGLISH = ("Choose an option", "Choose options", "No options to select", "No results", "Add an option")
# proto fields that are identifiers or data, not text a user reads
SKIPPED_FIELDS = {"id", "form_id", "key", "data", "arrow_data", "spec", "css", "column_order", "default", "value"}


def _strings(message: Message, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string field of a proto message, recursively, with its path."""
    for field, value in message.ListFields():
        if field.name in SKIPPED_FIELDS:
            continue
        where = f"{path}.{field.name}"
        values = [value] if isinstance(value, str | bytes | Message) or not hasattr(value, "__iter__") else value
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item, where)
            elif isinstance(item, str):
                yield where, item


def _nodes(node) -> Iterator:
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)
    else:
        yield node


def _may_show_placeholder(selectbox) -> bool:
    """Whether a selectbox can show its placeholder: no options, no value, or a None option (e.g. 全校).

    A None option makes the box clearable in the browser (a small ×), and a cleared box shows the placeholder.
    """
    if not selectbox.options or selectbox.value is None:
        return True
    try:
        return str(selectbox.format_func(None)) in selectbox.options
    except Exception:  # a format_func that cannot take None: None is not an option
        return False


def problems(at: AppTest) -> list[str]:
    """What the page shows that no school user should read."""
    found: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None or kind in {"file_uploader", "code"}:
            continue
        for where, text in _strings(proto):
            if RAW.search(text) or any(e in text for e in ENGLISH):
                found.append(f"{kind}{where}: {text[:120]!r}")
        if kind in {"selectbox", "multiselect"}:
            showing_nothing = kind == "multiselect" or _may_show_placeholder(node)
            if showing_nothing and not proto.placeholder.strip():
                found.append(f"{kind} {proto.label!r}: no Chinese placeholder (Streamlit shows English)")
        if kind == "dataframe":
            frame: pd.DataFrame = node.value
            label = ", ".join(map(str, frame.columns[:4]))
            if frame.empty:
                found.append(f"table [{label}]: no rows (Streamlit writes 'empty')")
                continue
            missing = frame.isna()
            if missing.to_numpy().any() and not proto.HasField("placeholder"):
                column = missing.any().idxmax()
                found.append(f"table [{label}]: missing cells in {column!r} shown as 'None'")
            for column in frame.columns:
                if RAW.search(str(column)):
                    found.append(f"table [{label}]: header {column!r}")
                cells = frame[column].dropna().astype(str)
                bad = cells[cells.str.fullmatch(RAW.pattern) | cells.isin(ENGLISH)]
                if not bad.empty:
                    found.append(f"table [{label}]: column {column!r} shows {bad.iloc[0]!r}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_raw_values_or_english_placeholders(make_app, demo_url, role) -> None:
    at = make_app(demo_url, USERNAME[role])
    at.run()
    assert not at.exception, at.exception
    found: dict[str, list[str]] = {}
    for pages in pages_for_role(role).values():
        for page in pages:
            at.switch_page(page.path)
            at.run()
            assert not at.exception, (role, page.key, at.exception)
            page_problems = problems(at)
            if page_problems:
                found[page.key] = page_problems
    assert not found, "\n".join(f"{role} · {key}: {p}" for key, ps in found.items() for p in ps)
