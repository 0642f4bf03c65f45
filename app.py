"""vlboard entry point: `streamlit run app.py`.

The pages live in views/, not pages/: Streamlit 1.67 still treats a folder named pages/ next to
the entry script as a v1 multipage app, so a deep link such as /chi-tiet?code=… opened with a
"Page not found" dialog (or with the v1 sidebar when url_path equals the file name).
"""

import streamlit as st

st.set_page_config(page_title="Chuyển đổi số Vĩnh Long", page_icon=":material/monitoring:", layout="wide")
st.navigation([
    st.Page("views/overview.py", title="Tổng quan", icon=":material/dashboard:", default=True, url_path="tong-quan"),
    st.Page("views/indicator.py", title="Chi tiết chỉ tiêu", icon=":material/search:", url_path="chi-tiet"),
]).run()
