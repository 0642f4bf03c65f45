"""Sign-in: local accounts (argon2id, from the secrets) and st.login when OIDC is configured.

The signed-in user lives in server-side session state; every write path checks it again in the
import layer (vlboard.intake.imports, vlboard.intake.history), so hiding a button is never the only guard.
"""

from __future__ import annotations

import streamlit as st

from vlboard.domain.formatting import md_escape
from vlboard.intake import auth


def settings() -> auth.Settings:
    """The auth settings from st.secrets (or $VLBOARD_SECRETS); a broken file means no accounts,
    with the reason shown once in the sidebar."""
    try:
        raw = st.secrets.to_dict()
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        raw = {}
    try:
        if not raw:
            raw = auth.load_secrets_file(auth.default_secrets_path())
        return auth.settings(raw)
    except auth.AuthConfigError as exc:
        st.session_state["_auth_error"] = str(exc)
        return auth.settings({})


def current_user(s: auth.Settings | None = None) -> auth.User:
    user = st.session_state.get("_user")
    if isinstance(user, auth.User):
        return user
    s = s or settings()
    if s.oidc_configured and st.user.is_logged_in:
        return auth.oidc_user(s, st.user.get("email"), st.user.get("name"))
    return auth.ANONYMOUS


def _sign_in(s: auth.Settings, username: str, password: str) -> None:
    """Through the process-wide throttle of vlboard.intake.auth: per account and per client address,
    so neither a new browser session nor several clients get more guesses."""
    address = auth.client_address(
        st.context.ip_address or "127.0.0.1",  # None means loopback
        dict(st.context.headers or {}),
        s.trusted_proxies,
    )
    user = auth.sign_in(s, username, password, address)
    if isinstance(user, float):
        st.session_state["_login_error"] = f"Đăng nhập sai quá nhiều lần; hãy thử lại sau {max(1, round(user))} giây."
        return
    if user is None:
        st.session_state["_login_error"] = "Sai tên đăng nhập hoặc mật khẩu."
        return
    st.session_state["_user"] = user
    st.session_state.pop("_login_error", None)


def _sign_out() -> None:
    for key in ("_user", "_preview"):
        st.session_state.pop(key, None)


def sidebar(s: auth.Settings, show_form: bool = True) -> auth.User:
    """The account box in the sidebar; returns the current user. ``show_form=False`` when the
    sign-in screen of a closed deployment already shows the form (one form per page)."""
    user = current_user(s)
    label = "Khách (chỉ xem)" if user.via == "anonymous" else user.display_name
    box = st.sidebar.expander(
        f"Tài khoản: {md_escape(label)}", icon=":material/person:", expanded=bool(st.session_state.get("_login_error"))
    )
    if error := st.session_state.pop("_auth_error", None):
        box.error(f"Cấu hình tài khoản lỗi: {error}", icon=":material/warning:")
    if user.via != "anonymous":
        box.text(user.describe())
        if user.via == "oidc":
            box.button("Đăng xuất", key="logout", on_click=st.logout)
        else:
            box.button("Đăng xuất", key="logout", on_click=_sign_out)
        return user
    if show_form:
        _form(box, s)
    else:
        box.caption("Đăng nhập ở khung chính.")
    return user


def _form(box, s: auth.Settings) -> None:
    if s.oidc_configured:
        box.button("Đăng nhập bằng tài khoản một cửa (SSO)", key="login_sso", on_click=st.login)
    if s.accounts:
        with box.form("login_form", border=False, enter_to_submit=False):  # no English "Press Enter" hint
            st.markdown("**Đăng nhập** (cán bộ nhập liệu, quản trị)")
            name = st.text_input("Tên đăng nhập", key="login_user")
            password = st.text_input("Mật khẩu", type="password", key="login_password")
            if st.form_submit_button("Đăng nhập"):
                _sign_in(s, name, password)
                if "_user" in st.session_state:
                    st.rerun()
        if message := st.session_state.pop("_login_error", None):
            box.error(message)
    elif not s.oidc_configured:
        box.caption("Chế độ chỉ xem: chưa cấu hình tài khoản (xem .streamlit/secrets.toml.example).")


def gate(on_wall: bool) -> auth.User:
    """The account box (not on the wall), and a sign-in screen instead of the page when the
    deployment does not allow reading without signing in."""
    s = settings()
    user = current_user(s) if on_wall else sidebar(s, show_form=s.allow_anonymous)
    if not s.allow_anonymous and user.via == "anonymous":
        st.title("Chuyển đổi số Vĩnh Long")
        st.info("Cần đăng nhập để xem bảng điều hành.", icon=":material/lock:")
        _form(st.container(border=True), s)
        st.stop()
    return user
