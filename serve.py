"""The served entry point: ``streamlit run serve.py`` (``make run``; the tests serve it too).

It serves app.py (the pages; AppTest still opens app.py directly) through Streamlit's own
``st.App`` with vlboard's server guard (vlboard/ui/guard.py): security headers on every response,
no public metrics, uploads only for signed-in editors, no ``clear_cache`` from clients.
``streamlit run app.py`` still works for development, without that guard.
"""

import streamlit as st
from starlette.middleware import Middleware

from vlboard.ui.guard import Guard

app = st.App("app.py", middleware=[Middleware(Guard)])
