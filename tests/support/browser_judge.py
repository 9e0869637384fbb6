"""A real browser as the judge of CORS: headless Chromium on pages served from the app's origins.

`page_servers()` serves tests/js/upload_page.html on 127.0.0.1 over HTTPS (a throwaway
self-signed certificate made here with `cryptography`) and over plain HTTP, on two ports.
`chromium_judge()` starts tests/js/browser_judge.js (the pinned playwright-core driving
Debian's /usr/bin/chromium) with `--host-resolver-rules` mapping each origin's host, port 443
to the HTTPS server and port 80 to the HTTP one, so a page at https://app.raptscallions.com is
really that origin to the browser: it sends `Origin: https://app.raptscallions.com` itself
and applies its own CORS rules to the answers. The certificate is accepted through the
browser context's `ignoreHTTPSErrors`; the page stays a secure context.

No flag weakens the judgement. Playwright itself turns off Chromium's HTTPS upgrades
(`HttpsUpgrades` in playwright-core's chromiumSwitches), so an `http://` page stays
`http://`. Chromium's Private/Local Network Access rules need no switch: the page is loaded
from 127.0.0.1, so it is in the same (loopback) address space as RGW on 127.0.0.1, and those
rules only gate requests into a more private space. Measured on Chromium 156: the refusals
are reported in the console as "blocked by CORS policy", which the tests assert.

Every wait is bounded; the node process is stopped by its PID (its own process group).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import http.server
import json
import os
import queue
import signal
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from infra.offline.stack_files import PROJECT_ROOT
from tests.support.app_sdk import node_modules

JS = PROJECT_ROOT / "tests" / "js"
PAGE = JS / "upload_page.html"
JUDGE_JS = JS / "browser_judge.js"
READY_SECONDS = 60.0
VISIT_SECONDS = 60.0
STOP_SECONDS = 15.0


def throwaway_certificate(hosts: Sequence[str], directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for `hosts`, valid for an hour: (certificate, key) PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "raptscallions browser test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host) for host in hosts]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "page.crt", directory / "page.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    return cert_file, key_file


class _PageHandler(http.server.BaseHTTPRequestHandler):
    """Serves the upload page at every path; nothing else."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = PAGE.read_bytes() if self.path == "/" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def page_servers(hosts: Sequence[str]) -> Iterator[tuple[int, int]]:
    """The upload page over HTTPS and plain HTTP on 127.0.0.1: yields (https_port, http_port)."""
    with tempfile.TemporaryDirectory(prefix="browser-page-") as directory:
        cert_file, key_file = throwaway_certificate(hosts, Path(directory))
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
        servers = (tls, plain)
        threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
        for thread in threads:
            thread.start()
        try:
            yield tls.server_address[1], plain.server_address[1]
        finally:
            for server, thread in zip(servers, threads, strict=True):
                server.shutdown()
                server.server_close()
                thread.join(timeout=STOP_SECONDS)


def host_resolver_rules(hosts: Sequence[str], https_port: int, http_port: int) -> str:
    """Chromium's --host-resolver-rules sending each host's :443 and :80 to the page servers."""
    rules = []
    for host in hosts:
        rules += [f"MAP {host}:443 127.0.0.1:{https_port}", f"MAP {host}:80 127.0.0.1:{http_port}"]
    return ", ".join(rules)


def chromium_executable() -> str:
    from scripts.chromium import executable

    found = executable()
    if found is None:
        pytest.fail("Chromium not installed: run `python3 scripts/chromium.py install` (make test does)", pytrace=False)
    return found


class BrowserJudge:
    """One headless Chromium (through tests/js/browser_judge.js); `visit` runs the page's round trip."""

    def __init__(self, process: subprocess.Popen, stderr: Path) -> None:
        self.process = process
        self.stderr = stderr
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.version = self._next(READY_SECONDS)["ready"]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _next(self, seconds: float) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=seconds)
        except queue.Empty:
            raise AssertionError(f"the browser judge said nothing within {seconds:.0f} s") from None
        if line is None:
            raise AssertionError(f"the browser judge exited: {self.stderr.read_text()}")
        answer = json.loads(line)
        assert "error" not in answer, answer["error"]
        return answer

    def visit(self, page: str, put: str, get: str, content_type: str, body: bytes) -> dict[str, Any]:
        """Load `page` and let it PUT `body` to `put` and GET `get`: what the browser allowed it."""
        request = {"page": page, "put": put, "get": get, "contentType": content_type, "body": base64.b64encode(body).decode()}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._next(VISIT_SECONDS)

    def stop(self) -> None:
        """Ask the judge to close the browser and exit; if it has not in time, stop it by its PID."""
        with contextlib.suppress(OSError):
            self.process.stdin.write(json.dumps({"quit": True}) + "\n")
            self.process.stdin.close()
        stop_by_pid(self.process)


def stop_by_pid(process: subprocess.Popen) -> None:
    """Wait (bounded) for the judge to exit; then SIGTERM its PID (Playwright closes Chromium on
    SIGTERM; Chromium runs in its own process group, which Playwright kills); then SIGKILL the
    judge's process group."""
    for action in (None, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            if action == signal.SIGTERM:
                os.kill(process.pid, action)
            elif action == signal.SIGKILL:
                os.killpg(process.pid, action)
        try:
            process.wait(timeout=STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def chromium_judge(hosts: Sequence[str]) -> Iterator[tuple[BrowserJudge, int, int]]:
    """Page servers for `hosts` and one browser resolving them there: (judge, https_port, http_port)."""
    from scripts.node_packages import NODE

    executable = chromium_executable()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NODE_"))}
    env["NODE_PATH"] = str(node_modules())
    with page_servers(hosts) as (https_port, http_port), tempfile.TemporaryDirectory(prefix="browser-judge-") as logs:
        stderr = Path(logs) / "stderr.txt"
        with stderr.open("w") as stderr_file:  # the child keeps its own copy
            process = subprocess.Popen(
                [NODE, str(JUDGE_JS), executable, host_resolver_rules(hosts, https_port, http_port)],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr_file,
                text=True,
                start_new_session=True,  # its own process group, led by its PID
            )
        judge = None
        try:
            judge = BrowserJudge(process, stderr)
            yield judge, https_port, http_port
        finally:
            if judge is not None:
                judge.stop()
            else:
                stop_by_pid(process)
