"""Streamlit glue: login, page guard, cached reads and shared widgets.

The only part of hxgy that imports streamlit. Pages call ``guard`` first,
then read their data through ``hxgy.ui.data`` and draw with ``hxgy.ui.widgets``.
"""

from hxgy.ui.gate import VIA_APP_KEY, database_down_message, guard, login_gate, sidebar_account

__all__ = ["VIA_APP_KEY", "database_down_message", "guard", "login_gate", "sidebar_account"]
