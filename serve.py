"""The web server: Streamlit's app (app.py) with hxgy's own routes and middleware around it.

Start it with ``streamlit run serve.py`` (run.sh, deploy/hxgy@.service, tests/e2e/server.py): Streamlit finds
``app`` below and serves app.py through it, with every ``--server.*`` flag and .streamlit/config.toml as before.
What is added (docs/security.md):
- ``/download/<token>``: files with personal data, once, to the signed-in browser that asked (hxgy.web.downloads);
- ``MediaGuard``: Streamlit's ``/media/`` files only to requests with a valid login cookie;
- ``SecurityHeaders``: Content-Security-Policy, frame and referrer rules, HSTS behind TLS, no public metrics
  (hxgy.web.headers), on every answer, the guard's refusals included;
- no legacy ``pages/`` mode, not even in the first session after a start (hxgy.navigation.ignore_pages_folder).
"""

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from hxgy.navigation import ignore_pages_folder
from hxgy.web import downloads
from hxgy.web.headers import SecurityHeaders

ignore_pages_folder()
app = st.App(
    "app.py",
    routes=[Route(downloads.ROUTE, downloads.download, methods=["GET"])],
    middleware=[Middleware(SecurityHeaders), Middleware(downloads.MediaGuard)],
)
