"""vlboard entry point: `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="Chuyển đổi số Vĩnh Long", page_icon="📊", layout="wide")
st.navigation([
    st.Page("pages/overview.py", title="Tổng quan", icon="📊", default=True, url_path="tong-quan"),
]).run()
