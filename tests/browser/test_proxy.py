"""The nginx example of SECURITY.md, run as written by Debian's nginx in front of the served app.

The ```nginx block is taken from SECURITY.md itself; only the listen address, the certificate (a
throwaway self-signed one made here with openssl) and the upstream port are replaced. nginx runs
in the foreground on a free loopback port with its own config, logs, pid and temp folders, and is
stopped by the test. `make setup` installs nginx (Makefile DEB_PACKAGES).
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
import time

import pytest

from tests.support.fixtures import ROOT
from tests.support.guard import PASSWORD, framed, load_pages, sidebar_errors, submit_login
from tests.support.served import CHROMIUM, free_port, served_process, stop
from tests.support.wsclient import Session
from vlboard.intake import auth
from vlboard.ui import guard

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
pytestmark = [
    pytest.mark.skipif(
        NGINX is None, reason="Debian nginx not installed (make setup installs it: Makefile DEB_PACKAGES)"
    ),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed (make setup)"),
]
HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
]


def example() -> str:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "SECURITY.md has exactly one nginx example"
    return blocks[0]


def site(port: int, upstream: str, cert, key) -> str:
    conf = example()
    for old, new in [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;"),
        ("/etc/ssl/vlboard/fullchain.pem", str(cert)),
        ("/etc/ssl/vlboard/privkey.pem", str(key)),
        ("http://127.0.0.1:8501", upstream),
    ]:
        assert old in conf, old
        conf = conf.replace(old, new)
    return conf


@pytest.fixture(scope="module")
def proxied(shipped_data, secrets_env, tmp_path_factory):
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
    port = free_port()
    with served_process(shipped_data.root, env=secrets_env) as (app_url, _):
        temps = "\n".join(f"    {d}_temp_path {tmp / d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = tmp / "nginx.conf"
        conf.write_text(
            ("user root root;\n" if os.geteuid() == 0 else "")  # workers must reach the 0700 temp folders
            + f"daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
            f"events {{ worker_connections 512; }}\nhttp {{\n    access_log {tmp / 'access.log'};\n{temps}\n"
            + site(port, app_url, cert, key)
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
            yield f"https://127.0.0.1:{port}"
        finally:
            stop(proc)


def unverified() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE  # the throwaway self-signed certificate
    return ctx


def get(url: str, path: str):
    host, port = url.removeprefix("https://").split(":")
    conn = http.client.HTTPSConnection(host, int(port), context=unverified(), timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def test_the_example_sends_the_csp_of_the_installed_streamlit():
    assert f'add_header Content-Security-Policy "{guard.content_security_policy()}" always;' in example()
    assert "limit_req " not in example().split("location")[0]  # no limit at server level (static files)


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
def test_pages_load_through_the_proxy_unthrottled_and_without_csp_errors(proxied):
    refused: list[str] = []
    assert load_pages(proxied, ["", "lich-su-du-lieu", "phuong-xa", "ioc"], refused) == []  # websocket: pages rendered
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
