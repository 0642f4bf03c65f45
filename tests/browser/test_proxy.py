"""deploy/: the nginx site run by Debian's nginx in front of the served app, the systemd units, the
env file and the backup wrapper.

deploy/nginx/vlboard.conf is the one nginx config (SECURITY.md points to it); only the listen
addresses (free loopback ports), the certificate (a throwaway self-signed one made here with
openssl), the log folder and the upstream port are replaced. nginx runs in the foreground with its
own config, logs, pid and temp folders, and is stopped by the test. `make setup` installs nginx
(Makefile DEB_PACKAGES).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass

import pytest

from tests.support.fixtures import ROOT
from tests.support.guard import PASSWORD, framed, open_drawn, sidebar_errors, submit_login
from tests.support.served import CHROMIUM, browser_page, free_port, served_process, stop
from tests.support.wsclient import Session
from vlboard import settings
from vlboard.intake import auth
from vlboard.ui import guard

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
]
MB = 1024 * 1024


def example() -> str:
    return (DEPLOY / "nginx" / "vlboard.conf").read_text(encoding="utf-8")


def site(port: int, http_port: int, upstream: str, cert, key, logs) -> str:
    conf = example()
    for old, new in [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/etc/ssl/vlboard/fullchain.pem", str(cert)),
        ("/etc/ssl/vlboard/privkey.pem", str(key)),
        ("/var/log/vlboard/", f"{logs}/"),
        ("http://127.0.0.1:8501", upstream),
    ]:
        assert old in conf, old
        conf = conf.replace(old, new)
    return conf


@dataclass
class Proxy:
    url: str  # https://127.0.0.1:<port>
    http_port: int  # the plain HTTP server (redirects)
    check: str  # what `nginx -t` printed


@pytest.fixture(scope="module")
def proxy(shipped_data, secrets_env, tmp_path_factory):
    if NGINX is None:
        pytest.skip("Debian nginx not installed (make setup installs it: Makefile DEB_PACKAGES)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed (make setup)")
    tmp = tmp_path_factory.mktemp("nginx")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    port, http_port = free_port(), free_port()
    with served_process(shipped_data.root, env=secrets_env) as (app_url, _):
        temps = "\n".join(f"    {d}_temp_path {tmp / d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = tmp / "nginx.conf"
        conf.write_text(
            ("user root root;\n" if os.geteuid() == 0 else "")  # workers must reach the 0700 temp folders
            + f"daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
            f"events {{ worker_connections 512; }}\nhttp {{\n    access_log {tmp / 'access.log'};\n{temps}\n"
            + site(port, http_port, app_url, cert, key, tmp)
            + "}\n",
            encoding="utf-8",
        )
        args = [NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]
        check = subprocess.run([*args, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, (tmp / "error.log").read_text()
                    time.sleep(0.2)
            yield Proxy(f"https://127.0.0.1:{port}", http_port, check.stderr)
        finally:
            stop(proc)


@pytest.fixture(scope="module")
def proxied(proxy) -> str:
    return proxy.url


def unverified() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE  # the throwaway self-signed certificate
    return ctx


def connect(url: str) -> http.client.HTTPSConnection:
    host, port = url.removeprefix("https://").split(":")
    return http.client.HTTPSConnection(host, int(port), context=unverified(), timeout=30)


def get(url: str, path: str, headers: dict[str, str] | None = None):
    conn = connect(url)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def directives() -> str:
    """The config without its comments."""
    return "\n".join(line.split("#")[0] for line in example().splitlines())


def test_the_config_sends_the_csp_of_the_installed_streamlit():
    assert f'add_header Content-Security-Policy "{guard.content_security_policy()}" always;' in example()
    https = directives().split("listen 443")[1]
    assert "limit_req " not in https.split("location")[0]  # no limit at server level (static files)
    limited = [b.split("{")[0].strip() for b in https.split("location")[1:] if "limit_req " in b.split("}")[0]]
    # websocket connects, uploads and the data API's requests only
    assert limited == ["= /_stcore/stream", "/_stcore/upload_file/", "/api/"]


def test_security_md_points_to_the_config_instead_of_repeating_it():
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "```nginx" not in text and "deploy/nginx/vlboard.conf" in text


def app_upload_limit_mb() -> int:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return config["server"]["maxUploadSize"]


def test_the_body_limit_is_the_apps_upload_limit_plus_the_multipart_envelope():
    (limit,) = re.findall(r"client_max_body_size (\d+)m;", directives())
    assert int(limit) == app_upload_limit_mb() + 1


def test_nginx_accepts_the_config(proxy):
    assert "syntax is ok" in proxy.check and "test is successful" in proxy.check


def put_upload(url: str, size: int, send_body: bool) -> int:
    """An upload of ``size`` bytes to Streamlit's upload route; without the body, only its headers."""
    conn = connect(url)
    try:
        conn.putrequest("PUT", "/_stcore/upload_file/nosession/nofile")  # as Streamlit uploads
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        if send_body:
            conn.send(b"x" * size)
        return conn.getresponse().status
    finally:
        conn.close()


def test_an_upload_over_the_limit_is_refused_by_nginx(proxied):
    limit = app_upload_limit_mb() + 1
    assert put_upload(proxied, limit * MB + 1, send_body=False) == 413
    # A file of the app's own limit passes nginx to the app, whose guard refuses an anonymous upload
    # (403) before reading the body: nginx, still sending the body, gets a reset and answers 502.
    assert put_upload(proxied, app_upload_limit_mb() * MB, send_body=True) in (403, 502)


@pytest.mark.parametrize("path", ["/", "/lich-su-du-lieu?ky=2026"])
def test_plain_http_redirects_to_https(proxy, path):
    conn = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        assert resp.status in (301, 308)
        assert resp.headers["Location"] == f"https://127.0.0.1{path}"  # the templated config: 443
    finally:
        conn.close()


def test_text_files_are_gzipped(proxied):
    _, _, page = get(proxied, "/")
    script = re.search(rb'src="\.?(/static/js/[^"]+\.js)"', page)
    assert script, page[:500]
    status, headers, _ = get(proxied, script.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("path", ["/", "/lich-su-du-lieu", "/_stcore/health", "/favicon.png"])
def test_security_headers_once_each_through_the_proxy(proxied, path):
    status, headers, _ = get(proxied, path)
    assert status == 200
    for name in HEADERS:
        assert len(headers.get_all(name) or []) == 1, name
    assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_metrics_refused_by_the_proxy(proxied):
    assert get(proxied, "/_stcore/metrics")[0] == 403


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (make setup)")
def test_pages_load_through_the_proxy_unthrottled_and_without_console_errors(proxied):
    errors: list[str] = []
    failed: list[str] = []
    refused: list[str] = []

    def answered(r) -> None:
        if r.status in (429, 503):
            refused.append(r.url)
        # Streamlit's own probe on a deep link: it tries <page>/_stcore/health and host-config first
        # (404, served directly too), then the root; any other failed request counts.
        elif r.status >= 400 and not (r.status == 404 and re.search(r"/[^/]+/_stcore/(health|host-config)$", r.url)):
            failed.append(f"{r.status} {r.url}")

    with browser_page(ignore_https_errors=True) as page:  # the throwaway self-signed certificate
        # failed loads are console errors too: they are judged by their response above
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", answered)
        for p in ["", "lich-su-du-lieu", "phuong-xa", "ioc"]:
            open_drawn(page, f"{proxied}/{p}")  # drawn from the server's messages: the websocket works
    assert errors == [] and failed == []  # CSP violations included
    assert refused == []  # the first visit's ~75 static files are not rate-limited


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (make setup)")
def test_framing_refused_through_the_proxy(proxied):
    assert not framed(proxied)


def test_a_forged_forwarded_for_does_not_escape_the_address_lock(proxied):
    """nginx replaces X-Forwarded-For, so guesses with forged addresses all count for the real one."""

    async def attack() -> list[str]:
        failures = 0
        for i in range(auth.ADDRESS_FAILURES // 4):  # a few sessions, four wrong guesses each, other names
            async with Session(proxied, headers={"X-Forwarded-For": f"203.0.113.{i}"}, ssl=unverified()) as s:
                page = await s.open()
                for j in range(4):
                    page = await submit_login(s, page, f"khach{i}-{j}", "sai")
                    assert sidebar_errors(page) == ["Sai tên đăng nhập hoặc mật khẩu."]
                    failures += 1
        assert failures == auth.ADDRESS_FAILURES
        async with Session(proxied, headers={"X-Forwarded-For": "203.0.113.200"}, ssl=unverified()) as s:
            return sidebar_errors(await submit_login(s, await s.open(), "ed", PASSWORD))

    answer = asyncio.run(attack())
    assert len(answer) == 1 and answer[0].startswith("Đăng nhập sai quá nhiều lần")


def test_env_example_lists_every_setting():
    text = (DEPLOY / "vlboard.env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?([A-Z_]+)=", text, re.M))
    assert {s.name for s in settings.SETTINGS} <= named


def test_systemd_units_verify(tmp_path):
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze not installed (Debian package systemd)")
    env = tmp_path / "vlboard.env"
    env.write_text("VLBOARD_DATA=/tmp\n", encoding="utf-8")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):  # paths of the install folder -> this clone
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/etc/vlboard/vlboard.env", str(env)).replace("/opt/vlboard", str(ROOT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
        units.append(str(tmp_path / unit.name))
    assert len(units) == 5
    result = subprocess.run([SYSTEMD_ANALYZE, "verify", *units], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr  # a bad line is only a warning


def test_backup_wrapper_keeps_the_newest_archives(shipped_data, tmp_path):
    out = tmp_path / "backups"
    out.mkdir()
    old = ["vlboard-20260101-023000.tar.gz", "vlboard-20260102-023000.tar.gz", "vlboard-20260103-023000.tar.gz"]
    for name in [*old, "notes.txt"]:
        (out / name).write_bytes(b"")
    env = {
        **os.environ,
        "VLBOARD_DATA": str(shipped_data.root),
        "VLBOARD_BACKUP_DIR": str(out),
        "VLBOARD_BACKUP_KEEP": "2",
        "VLBOARD_PYTHON": sys.executable,
    }
    result = subprocess.run([str(DEPLOY / "bin" / "backup")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    left = sorted(p.name for p in out.iterdir())
    new = [n for n in left if n not in old and n != "notes.txt"]
    assert len(new) == 1 and re.fullmatch(r"vlboard-\d{8}-\d{6}\.tar\.gz", new[0])
    assert left == sorted([old[-1], new[0], "notes.txt"])  # two kept, other files untouched
    assert (out / new[0]).stat().st_size > 0
    bad = subprocess.run([str(DEPLOY / "bin" / "backup")], cwd=ROOT, env={**env, "VLBOARD_BACKUP_KEEP": "0"})
    assert bad.returncode == 2 and len(list(out.iterdir())) == 3


def test_comments_only_on_lines_of_their_own():
    """systemd, EnvironmentFile and logrotate read a '#' after a value as part of the value."""
    files = [*(DEPLOY / "systemd").iterdir(), DEPLOY / "vlboard.env.example", DEPLOY / "logrotate" / "vlboard"]
    lines = [(f.name, line.strip()) for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert [(name, line) for name, line in lines if "#" in line and not line.startswith("#")] == []


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_modern_tls_only(proxied, version):
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in directives()  # no SSLv3, TLS 1.0, TLS 1.1
    ctx = unverified()
    ctx.minimum_version = ctx.maximum_version = version
    host, port = proxied.removeprefix("https://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw, ctx.wrap_socket(raw) as tls:
        assert tls.version() == {ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]


def test_the_data_api_through_the_proxy(proxied, shipped_data):
    """/api/ through nginx: JSON with the security headers once each, the bearer token passed on,
    writes refused by nginx itself, no websocket upgrade, the 400 message in Vietnamese."""
    import json

    from vlboard.api import tokens

    token, made = tokens.add(shipped_data, "proxy test", tokens.Scope(None))
    try:
        auth_header = {"Authorization": f"Bearer {token}"}
        status, headers, body = get(proxied, "/api/v1/indicators?limit=5", auth_header)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        assert len(json.loads(body)["data"]) == 5
        for name in HEADERS:
            assert len(headers.get_all(name) or []) == 1, name
        assert get(proxied, "/api/v1/indicators")[0] == 401
        status, _, body = get(proxied, "/api/v1/results?limit=5000", auth_header)
        assert status == 400 and "«limit»" in json.loads(body)["error"]["message"]
        upgrade = {**auth_header, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13"}
        assert (
            get(proxied, "/api/v1/openapi.json", {**upgrade, "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})[0] == 200
        )
        conn = connect(proxied)
        try:
            conn.request("POST", "/api/v1/results", body=b"{}", headers=auth_header)
            assert conn.getresponse().status == 403  # limit_except GET
        finally:
            conn.close()
    finally:
        tokens.path(shipped_data).unlink()  # the shared fixture's data folder as it was
