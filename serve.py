"""The served entry point: ``streamlit run serve.py`` (``make run``; the tests serve it too).

It serves app.py (the pages; AppTest still opens app.py directly) through Streamlit's own
``st.App`` with vlboard's server guard (vlboard/ui/guard.py): security headers on every response,
no public metrics, uploads only for signed-in editors, no ``clear_cache`` from clients; and the
operator's routes of vlboard/ui/ops.py: ``/_vlboard/health`` (JSON, 200 or 503) and
``/_vlboard/metrics`` (Prometheus text, loopback clients only); and the read-only data API
(vlboard/api: ``/api/v1/…``, bearer tokens, JSON), behind the same guard.
``streamlit run app.py`` still works for development, without that guard or those routes.
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config

from vlboard.api import routes as api_routes
from vlboard.ui import ops
from vlboard.ui.guard import Guard

ops.install()
base = config.get_option("server.baseUrlPath") or ""
app = st.App("app.py", routes=ops.routes(base) + api_routes.routes(base), middleware=[Middleware(Guard)])
