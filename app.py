"""vlboard entry point: `streamlit run app.py`.

The pages live in views/, not pages/: Streamlit 1.67 still treats a folder named pages/ next to
the entry script as a v1 multipage app, so a deep link such as /chi-tiet?code=… opened with a
"Page not found" dialog (or with the v1 sidebar when url_path equals the file name).
"""

from pathlib import Path
from urllib.parse import urlparse

import streamlit as st

from vlboard.ui import account, frame, guard


def _on_wall() -> bool:
    """The wall screen (/ioc) shows no navigation at all."""
    return urlparse(st.context.url or "").path.rstrip("/").endswith("/ioc")


# A local icon: an emoji icon makes the browser fetch its image from a public CDN, which an offline
# government network does not reach (and the CSP refuses).
ICON = Path(__file__).parent / "vlboard" / "ui" / "favicon.png"
st.set_page_config(page_title="Chuyển đổi số Vĩnh Long", page_icon=str(ICON), layout="wide")
page_list = {
    # Streamlit serves the default page at "/" and ignores its url_path, so /tong-quan (the address in
    # the README and in every link to the overview) is its own entry, and "/" a hidden default one.
    "": [
        st.Page("views/overview.py", title="Tổng quan", icon=":material/dashboard:", url_path="tong-quan"),
        st.Page(
            "views/overview.py",
            title="Tổng quan",
            icon=":material/dashboard:",
            default=True,
            url_path="trang-chu",
            visibility="hidden",
        ),
    ],
    "Trụ cột": [
        st.Page(
            "views/pillar.py", title="Chính quyền số", icon=":material/account_balance:", url_path="chinh-quyen-so"
        ),
        st.Page("views/pillar.py", title="Kinh tế số", icon=":material/storefront:", url_path="kinh-te-so"),
        st.Page("views/pillar.py", title="Xã hội số", icon=":material/groups:", url_path="xa-hoi-so"),
    ],
    "Theo dõi": [
        st.Page("views/agencies.py", title="Theo cơ quan", icon=":material/apartment:", url_path="co-quan"),
        st.Page("views/units.py", title="Theo phường, xã", icon=":material/map:", url_path="phuong-xa"),
        st.Page("views/indicator.py", title="Chi tiết chỉ tiêu", icon=":material/search:", url_path="chi-tiet"),
        st.Page("views/budget.py", title="Kinh phí", icon=":material/payments:", url_path="kinh-phi"),
        st.Page("views/milestones.py", title="Nhiệm vụ", icon=":material/event:", url_path="nhiem-vu"),
        st.Page("views/directives.py", title="Chỉ đạo", icon=":material/flag:", url_path="chi-dao"),
        st.Page("views/commentary.py", title="Giải trình", icon=":material/comment:", url_path="giai-trinh"),
        st.Page("views/audit.py", title="Đối chiếu chỉ tiêu", icon=":material/compare:", url_path="doi-chieu-chi-tieu"),
        # hidden from the page list: the sidebar's link opens the wall in a new tab (ui.sidebar.wall_link)
        st.Page("views/ioc.py", title="Màn hình IOC", icon=":material/tv:", url_path="ioc", visibility="hidden"),
    ],
    "Dữ liệu": [
        st.Page("views/intake.py", title="Nhập số liệu", icon=":material/upload_file:", url_path="nhap-so-lieu"),
        st.Page("views/history.py", title="Lịch sử dữ liệu", icon=":material/history:", url_path="lich-su-du-lieu"),
        st.Page("views/cycle.py", title="Kỳ báo cáo", icon=":material/fact_check:", url_path="ky-bao-cao"),
        st.Page("views/my_work.py", title="Việc của tôi", icon=":material/assignment_ind:", url_path="viec-cua-toi"),
    ],
}
# expanded: every page listed; collapsed, Streamlit adds an English "View n more" link to the list
page = st.navigation(page_list, position="hidden" if _on_wall() else "sidebar", expanded=True)
st.session_state["_page_url"] = page.url_path
st.session_state["_pages"] = {p.url_path: p for ps in page_list.values() for p in ps}  # clicks open pages by path
if not _on_wall():
    st.html(frame.PAGE_CSS)  # caption contrast and the phone layout, before any page or sign-in text
guard.record(account.gate(_on_wall()))  # who may upload (serve.py's guard reads it)
frame.run_page(page)  # a query over the engine's memory: a Vietnamese message
