"""vlboard.intake.auth: roles and scopes, local accounts (argon2id), OIDC mapping, secrets parsing."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from vlboard.intake import auth
from vlboard.intake.auth import ANONYMOUS, AccessDenied, AuthConfigError, User

ROOT = Path(__file__).resolve().parents[3]
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only; production = defaults
PLACEHOLDER = "$argon2id$v=19$m=65536,t=3,p=4$REPLACE_ME$REPLACE_ME"


def fast_hash(password: str) -> str:
    return auth.hash_password(password, _hasher=FAST)


def secrets_with(**accounts: dict) -> dict:
    return {"vlboard": {"accounts": accounts}}


@pytest.fixture(scope="module")
def conf() -> auth.Settings:
    return auth.settings(
        {
            "vlboard": {
                "accounts": {
                    "admin": {
                        "name": "Quản trị hệ thống",
                        "role": "admin",
                        "password_hash": fast_hash("mật khẩu quản trị"),
                    },
                    "Quản Trị": {"role": "viewer", "password_hash": fast_hash("xem-thôi-nhé")},
                    "vhtt": {
                        "name": "Phòng Văn hóa và Thông tin",
                        "role": "editor",
                        "agency": "TPVL-PVHTT",
                        "password_hash": fast_hash("vhtt-2025!"),
                    },
                }
            }
        }
    )


# --- local accounts ----------------------------------------------------------------------------


def test_hash_and_authenticate_round_trip(conf):
    user = auth.authenticate(conf, "vhtt", "vhtt-2025!")
    assert user == User("vhtt", "Phòng Văn hóa và Thông tin", "editor", agency="TPVL-PVHTT", via="local")
    assert auth.authenticate(conf, "admin", "mật khẩu quản trị").is_admin


def test_production_hash_is_argon2id_with_library_defaults():
    h = auth.hash_password("đủ tám ký tự")
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth.authenticate(auth.settings(secrets_with(a={"password_hash": h})), "a", "đủ tám ký tự")


@pytest.mark.parametrize("password", ["vhtt-2025", "VHTT-2025!", "", " vhtt-2025!", None, 12345678])
def test_wrong_password_is_none_never_raises(conf, password):
    assert auth.authenticate(conf, "vhtt", password) is None


def test_unknown_user_spends_one_verify(conf, monkeypatch):
    calls = []
    real = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: calls.append(h) or real(h, p))
    assert auth.authenticate(conf, "khong-co", "vhtt-2025!") is None
    assert auth.authenticate(conf, None, "x") is None
    assert len(calls) == 2 and calls[0].startswith("$argon2id$")
    calls.clear()
    assert auth.authenticate(conf, "vhtt", "sai mật khẩu") is None
    assert len(calls) == 1
    calls.clear()
    placeholder = auth.settings(secrets_with(x={"role": "admin", "password_hash": PLACEHOLDER}))
    assert auth.authenticate(placeholder, "x", "REPLACE_ME") is None
    assert calls[0] == PLACEHOLDER and len(calls) == 2  # unusable hash: the dummy verify is still spent


def test_username_normalised_nfc_case_space(conf):
    nfd = unicodedata.normalize("NFD", "  QUẢN TRỊ ")
    assert nfd != "  QUẢN TRỊ "
    user = auth.authenticate(conf, nfd, "xem-thôi-nhé")
    assert user is not None and user.username == "quản trị" and user.display_name == "quản trị"
    assert auth.authenticate(conf, "ADMIN ", "mật khẩu quản trị").username == "admin"


def test_password_compared_in_nfc(conf):
    assert auth.authenticate(conf, "admin", unicodedata.normalize("NFD", "mật khẩu quản trị"))


def test_short_password_refused():
    with pytest.raises(AuthConfigError, match="ít nhất 8 ký tự"):
        auth.hash_password("ngắn1234"[:7])
    assert auth.hash_password("12345678", _hasher=FAST).startswith("$argon2id$")


# --- configuration errors ----------------------------------------------------------------------

H = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"

BAD = [
    (
        {"role": "superuser", "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): trường «role» = «superuser» không hợp lệ",
    ),
    (
        {"role": "editor", "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): vai trò editor cần một phạm vi — trường «agency»",
    ),
    (
        {"role": "editor", "agency": "A", "unit": "u", "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): vai trò editor chỉ có một phạm vi, không được có cả trường «agency» lẫn «unit»",
    ),
    (
        {"role": "viewer", "agency": "A", "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): vai trò viewer không có phạm vi; hãy bỏ trường «agency»",
    ),
    (
        {"role": "admin", "unit": "u", "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): vai trò admin không có phạm vi; hãy bỏ trường «unit»",
    ),
    (
        {"role": "admin"},
        "Tài khoản «x» ([vlboard.accounts]): thiếu trường «password_hash» — tạo bằng lệnh: python -m vlboard hash-password",
    ),
    ({"role": "admin", "password_hash": 1}, "Tài khoản «x» ([vlboard.accounts]): thiếu trường «password_hash»"),
    (
        {"role": "admin", "password_hash": "$2b$12$abcdefghijklmnopqrstuv"},
        "Tài khoản «x» ([vlboard.accounts]): trường «password_hash» không phải mã băm argon2id",
    ),
    (
        {"role": "admin", "password_hash": "hunter22"},
        "Tài khoản «x» ([vlboard.accounts]): trường «password_hash» không phải mã băm argon2id",
    ),
    (
        {"role": "editor", "agnecy": "A", "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): trường «agnecy» không được hỗ trợ",
    ),
    (
        {"role": "editor", "agency": "", "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): trường «agency» phải là chuỗi không rỗng",
    ),
    (
        {"role": "editor", "agency": 7, "password_hash": H},
        "Tài khoản «x» ([vlboard.accounts]): trường «agency» phải là chuỗi không rỗng",
    ),
    ("admin", "Tài khoản «x» ([vlboard.accounts]): thiếu trường «password_hash»"),
]


@pytest.mark.parametrize(("entry", "message"), BAD)
def test_bad_account_names_key_and_field(entry, message):
    with pytest.raises(AuthConfigError, match=re.escape(message)):
        auth.settings(secrets_with(x=entry))


def test_duplicate_username_after_normalisation():
    with pytest.raises(
        AuthConfigError, match=re.escape("Tài khoản «Admin» ([vlboard.accounts]): tên đăng nhập rỗng hoặc trùng")
    ):
        auth.settings(
            secrets_with(admin={"role": "admin", "password_hash": H}, Admin={"role": "admin", "password_hash": H})
        )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"role": "owner"}, "trường «role» = «owner» không hợp lệ"),
        ({"role": "editor"}, "vai trò editor cần một phạm vi"),
        ({"role": "admin", "agency": "A"}, "vai trò admin không có phạm vi"),
        ("admin", "phải là một bảng"),
    ],
)
def test_bad_oidc_entry_names_address(entry, message):
    with pytest.raises(AuthConfigError, match=re.escape(f"Địa chỉ «Ai@X.vn» ([vlboard.oidc_roles]): {message}")):
        auth.settings({"vlboard": {"oidc_roles": {"Ai@X.vn": entry}}})


def test_allow_anonymous_default_true_false_when_set_must_be_bool():
    assert auth.settings({}).allow_anonymous is True
    assert auth.settings({"vlboard": {}}).allow_anonymous is True
    assert auth.settings({"vlboard": {"allow_anonymous": False}}).allow_anonymous is False
    with pytest.raises(AuthConfigError, match="«allow_anonymous» phải là true hoặc false"):
        auth.settings({"vlboard": {"allow_anonymous": "no"}})


def test_empty_secrets():
    s = auth.settings({})
    assert (s.accounts, s.oidc_roles, s.oidc_configured) == ({}, {}, False)
    assert auth.authenticate(s, "admin", "whatever1") is None


def test_oidc_configured_needs_client_id_and_metadata_url():
    full = {"client_id": "vlboard", "server_metadata_url": "https://sso/.well-known/openid-configuration"}
    assert auth.settings({"auth": full}).oidc_configured
    assert not auth.settings({"auth": {"client_id": "vlboard"}}).oidc_configured
    assert not auth.settings({"auth": {**full, "client_id": ""}}).oidc_configured


# --- roles and scopes ---------------------------------------------------------------------------

AGENCY_EDITOR = User("vhtt", "Phòng VH&TT", "editor", agency="A")
UNIT_EDITOR = User("p1", "Phường 1", "editor", unit="p2023-01")
ADMIN = User("admin", "Quản trị hệ thống", "admin")
VIEWER = User("xem", "Người xem", "viewer")


def test_agency_editor_only_own_agency():
    assert AGENCY_EDITOR.can_edit and not AGENCY_EDITOR.is_admin
    assert AGENCY_EDITOR.may_import("agency", "A")
    assert not AGENCY_EDITOR.may_import("agency", "B")
    assert not AGENCY_EDITOR.may_import("unit", "A")
    assert not AGENCY_EDITOR.may_import("unit", "p2023-01")
    assert not AGENCY_EDITOR.may_import("agency", "")


def test_unit_editor_only_own_unit():
    assert UNIT_EDITOR.may_import("unit", "p2023-01")
    assert not UNIT_EDITOR.may_import("unit", "p2023-02")
    assert not UNIT_EDITOR.may_import("agency", "p2023-01")


def test_admin_everything_viewer_nothing():
    for scope in (("agency", "A"), ("agency", "B"), ("unit", "p2023-01")):
        assert ADMIN.may_import(*scope)
        assert not VIEWER.may_import(*scope)
        assert not ANONYMOUS.may_import(*scope)
    assert ADMIN.is_admin and ADMIN.can_edit
    assert not VIEWER.can_edit and not ANONYMOUS.can_edit


def test_unknown_scope_type_or_role_is_a_bug():
    with pytest.raises(ValueError):
        ADMIN.may_import("province", "86")
    with pytest.raises(ValueError):
        User("x", "X", "root")


def test_anonymous():
    assert User("", "Khách", "viewer", via="anonymous") == ANONYMOUS
    assert ANONYMOUS.describe() == "Khách (Người xem)"


def test_describe():
    assert (
        User("a", "Nguyễn Văn A", "editor", agency="SO-TTTT").describe()
        == "Nguyễn Văn A (Cán bộ nhập liệu, cơ quan SO-TTTT)"
    )
    assert UNIT_EDITOR.describe() == "Phường 1 (Cán bộ nhập liệu, địa bàn p2023-01)"
    assert ADMIN.describe() == "Quản trị hệ thống (Quản trị)"


def test_require_import_messages():
    auth.require_import(AGENCY_EDITOR, "agency", "A")
    auth.require_import(ADMIN, "unit", "p2023-09")
    with pytest.raises(AccessDenied) as e:
        auth.require_import(AGENCY_EDITOR, "agency", "B")
    assert str(e.value) == "Tài khoản «vhtt» (Cán bộ nhập liệu, cơ quan A) không được nhập số liệu của cơ quan B."
    with pytest.raises(AccessDenied) as e:
        auth.require_import(UNIT_EDITOR, "unit", "p2023-02")
    assert (
        str(e.value)
        == "Tài khoản «p1» (Cán bộ nhập liệu, địa bàn p2023-01) không được nhập số liệu của địa bàn p2023-02."
    )
    with pytest.raises(AccessDenied) as e:
        auth.require_import(VIEWER, "agency", "A")
    assert str(e.value) == "Tài khoản «xem» (Người xem) không được nhập số liệu của cơ quan A (chỉ có quyền xem)."
    with pytest.raises(AccessDenied) as e:
        auth.require_import(ANONYMOUS, "unit", "p2023-01")
    assert str(e.value).startswith("Khách chưa đăng nhập (Người xem) không được nhập số liệu của địa bàn p2023-01")


def test_require_admin_messages():
    auth.require_admin(ADMIN, "khôi phục bản dữ liệu")
    with pytest.raises(AccessDenied) as e:
        auth.require_admin(AGENCY_EDITOR, "khôi phục bản dữ liệu")
    assert str(e.value) == (
        "Chỉ quản trị viên được khôi phục bản dữ liệu. "
        "Tài khoản «vhtt» (Cán bộ nhập liệu, cơ quan A) không có quyền này."
    )


# --- OIDC -----------------------------------------------------------------------------------------


def test_oidc_mapping_case_insensitive_and_unmapped_viewer():
    s = auth.settings(
        {
            "vlboard": {
                "oidc_roles": {
                    "Can.Bo@VinhLong.gov.vn": {"role": "editor", "unit": "p2023-01"},
                    "lanh.dao@vinhlong.gov.vn": {"role": "admin", "name": "Lãnh đạo Sở"},
                }
            }
        }
    )
    user = auth.oidc_user(s, " can.bo@vinhlong.GOV.vn", "Trần Thị B")
    assert user == User("can.bo@vinhlong.gov.vn", "Trần Thị B", "editor", unit="p2023-01", via="oidc")
    assert auth.oidc_user(s, "lanh.dao@vinhlong.gov.vn", None).display_name == "Lãnh đạo Sở"
    other = auth.oidc_user(s, "ai.do@gmail.com", "Ai Đó")
    assert other == User("ai.do@gmail.com", "Ai Đó", "viewer", via="oidc")
    nobody = auth.oidc_user(s, None, None)
    assert nobody.role == "viewer" and nobody.via == "oidc" and not nobody.can_edit


# --- TOML: snippet, files, example ---------------------------------------------------------------


def test_account_snippet_round_trip():
    h = fast_hash("mật khẩu mới 2025")
    text = auth.account_snippet("Nguyễn Văn A", "editor", h, name='Cán bộ "Phường 1"', unit="p2023-01")
    assert text.startswith('[vlboard.accounts."nguyễn văn a"]\n')
    parsed = tomllib.loads(text)
    s = auth.settings(parsed)
    user = auth.authenticate(s, "NGUYỄN VĂN A", "mật khẩu mới 2025")
    assert user == User("nguyễn văn a", 'Cán bộ "Phường 1"', "editor", unit="p2023-01")
    plain = auth.account_snippet("admin", "admin", h)
    assert plain == f'[vlboard.accounts.admin]\nrole = "admin"\npassword_hash = "{h}"\n'


def test_account_snippet_refuses_bad_entry():
    h = fast_hash("mật khẩu mới 2025")
    with pytest.raises(AuthConfigError, match="vai trò editor cần một phạm vi"):
        auth.account_snippet("vhtt", "editor", h)
    with pytest.raises(AuthConfigError, match="vai trò viewer không có phạm vi"):
        auth.account_snippet("vhtt", "viewer", h, agency="A")


def test_load_secrets_file(tmp_path):
    assert auth.load_secrets_file(tmp_path / "missing.toml") == {}
    good = tmp_path / "good.toml"
    good.write_text("[vlboard]\nallow_anonymous = false\n", encoding="utf-8")
    assert auth.settings(auth.load_secrets_file(good)).allow_anonymous is False
    broken = tmp_path / "broken.toml"
    broken.write_text('[vlboard]\nallow_anonymous = true\n[vlboard.accounts.x\nrole = "admin"\n', encoding="utf-8")
    with pytest.raises(AuthConfigError, match=re.escape(f"Tệp {broken} sai cú pháp TOML ở dòng 3")):
        auth.load_secrets_file(broken)
    truncated = tmp_path / "truncated.toml"
    truncated.write_text("[vlboard]\nallow_anonymous =", encoding="utf-8")
    with pytest.raises(AuthConfigError, match="sai cú pháp TOML ở cuối tệp"):
        auth.load_secrets_file(truncated)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "Qu\xe1n tr\xec"')
    with pytest.raises(AuthConfigError, match="UTF-8"):
        auth.load_secrets_file(latin)


def test_default_secrets_path(monkeypatch, tmp_path):
    monkeypatch.delenv("VLBOARD_SECRETS", raising=False)
    assert auth.default_secrets_path() == ROOT / ".streamlit" / "secrets.toml"
    monkeypatch.setenv("VLBOARD_SECRETS", str(tmp_path / "s.toml"))
    assert auth.default_secrets_path() == tmp_path / "s.toml"


def test_shipped_example_parses_and_placeholders_never_verify():
    s = auth.settings(auth.load_secrets_file(ROOT / ".streamlit" / "secrets.toml.example"))
    assert s.allow_anonymous is True and s.oidc_configured
    assert {k: a.user.role for k, a in s.accounts.items()} == {"admin": "admin", "khcn": "editor"}
    assert s.accounts["khcn"].user.agency == "S-KHCN"
    assert all(a.password_hash == PLACEHOLDER for a in s.accounts.values())
    assert s.oidc_roles["can.bo@vinhlong.gov.vn"].unit
    for name in s.accounts:
        for password in ("REPLACE_ME", "", "admin", "$argon2id$"):
            assert auth.authenticate(s, name, password) is None


# --------------------------------------------------------------------- sign-in throttle (issue 17)


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def guesses_until_locked(throttle, username, address, clock, limit=100) -> int:
    n = 0
    while n < limit and throttle.begin(username, address) == 0:
        throttle.end(username, address, False)
        n += 1
    return n


def test_account_is_locked_after_five_failures_whatever_the_address():
    clock = Clock()
    t = auth.Throttle(clock=clock)
    assert guesses_until_locked(t, "ed", "10.0.0.1", clock) == auth.ACCOUNT_FAILURES
    # another client (another address, another browser session) gets nothing more for this account
    assert t.begin("ED ", "10.0.0.2") == pytest.approx(auth.LOCKOUT_SECONDS)
    assert t.locked_for("ed", "10.0.0.3") == pytest.approx(auth.LOCKOUT_SECONDS)
    # other accounts from the same address still may sign in
    assert t.begin("vh", "10.0.0.1") == 0
    clock.t += auth.LOCKOUT_SECONDS
    assert t.begin("ed", "10.0.0.2") == 0  # the minute has passed


def test_address_is_locked_after_twenty_failures_over_many_accounts():
    clock = Clock()
    t = auth.Throttle(clock=clock)
    done = 0
    for i in range(10):  # four guesses each: never an account lock
        for _ in range(4):
            if t.begin(f"user{i}", "10.0.0.9") == 0:
                t.end(f"user{i}", "10.0.0.9", False)
                done += 1
    assert done == auth.ADDRESS_FAILURES
    assert t.begin("someone-else", "10.0.0.9") > 0
    assert t.begin("someone-else", "10.0.0.10") == 0


def test_success_clears_the_account_count_and_old_failures_expire():
    clock = Clock()
    t = auth.Throttle(clock=clock)
    for _ in range(4):
        t.begin("ed", "a")
        t.end("ed", "a", False)
    t.begin("ed", "a")
    t.end("ed", "a", True)
    assert guesses_until_locked(t, "ed", "b", clock) == 5
    clock.t += auth.LOCKOUT_SECONDS
    for _ in range(4):
        t.begin("vh", "c")
        t.end("vh", "c", False)
    clock.t += auth.LOCKOUT_SECONDS + 1  # failures older than the window are forgotten
    assert guesses_until_locked(t, "vh", "c", clock) == 5


def test_parallel_attempts_cannot_overshoot_the_limit():
    """Threads racing on one account: at most five wrong passwords are ever verified per lock."""
    import threading

    t = auth.Throttle()
    verified = []
    barrier = threading.Barrier(16)

    def client(i: int) -> None:
        barrier.wait()
        for _ in range(10):
            if t.begin("ed", f"10.0.1.{i}") == 0:
                verified.append(i)
                t.end("ed", f"10.0.1.{i}", False)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(verified) == auth.ACCOUNT_FAILURES


def test_sign_in_goes_through_the_throttle(conf):
    t = auth.Throttle()
    assert auth.sign_in(conf, "vhtt", "vhtt-2025!", "10.0.0.1", throttle=t).username == "vhtt"
    for _ in range(auth.ACCOUNT_FAILURES):
        assert auth.sign_in(conf, "vhtt", "sai-mật-khẩu", "10.0.0.1", throttle=t) is None
    locked = auth.sign_in(conf, "VHTT", "vhtt-2025!", "10.0.0.2", throttle=t)
    assert isinstance(locked, float) and locked > 0  # even the right password is not tried


def test_many_distinct_names_do_not_grow_memory_without_bound():
    clock = Clock()
    t = auth.Throttle(clock=clock, max_keys=50)
    for i in range(200):
        t.begin(f"n{i}", "10.0.0.1")
        t.end(f"n{i}", "10.0.0.1", False)
        clock.t += auth.LOCKOUT_SECONDS  # each entry idle by the next
    assert len(t._entries) <= 51


@pytest.mark.parametrize(
    "peer, headers, trusted, expected",
    [
        ("203.0.113.5", {"X-Forwarded-For": "1.2.3.4"}, [], "203.0.113.5"),  # no trusted proxy: headers ignored
        ("203.0.113.5", {"X-Forwarded-For": "1.2.3.4"}, ["127.0.0.1"], "203.0.113.5"),  # peer is not the proxy
        ("127.0.0.1", {"X-Forwarded-For": "1.2.3.4"}, ["127.0.0.1"], "1.2.3.4"),
        ("127.0.0.1", {"x-forwarded-for": "6.6.6.6, 1.2.3.4"}, ["127.0.0.1"], "1.2.3.4"),  # left part is forged
        ("127.0.0.1", {"X-Forwarded-For": "1.2.3.4, 10.2.0.7"}, ["127.0.0.1", "10.0.0.0/8"], "1.2.3.4"),
        ("127.0.0.1", {"X-Real-IP": "9.9.9.9"}, ["127.0.0.1"], "9.9.9.9"),
        ("127.0.0.1", {"X-Forwarded-For": "không-phải-IP"}, ["127.0.0.1"], "127.0.0.1"),
        ("::1", {"X-Forwarded-For": "2001:db8::1"}, ["::1"], "2001:db8::1"),
        # a server listening on :: sees IPv4 peers as ::ffff:a.b.c.d: the same lock, the same proxy
        ("::ffff:203.0.113.5", {"X-Forwarded-For": "1.2.3.4"}, ["127.0.0.1"], "203.0.113.5"),
        ("::ffff:127.0.0.1", {"X-Forwarded-For": "1.2.3.4"}, ["127.0.0.1"], "1.2.3.4"),
    ],
)
def test_client_address_trusts_headers_only_from_a_trusted_proxy(peer, headers, trusted, expected):
    assert (
        auth.client_address(peer, headers, auth.settings({"vlboard": {"trusted_proxies": trusted}}).trusted_proxies)
        == expected
    )


def test_trusted_proxies_setting_is_checked():
    with pytest.raises(AuthConfigError, match="trusted_proxies"):
        auth.settings({"vlboard": {"trusted_proxies": "127.0.0.1"}})
    with pytest.raises(AuthConfigError, match="không hợp lệ"):
        auth.settings({"vlboard": {"trusted_proxies": ["proxy.local"]}})
    assert auth.settings({}).trusted_proxies == ()
