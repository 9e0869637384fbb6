"""Network faults, each against a real socket on this machine: the right check fails with
the guide's class, the rest is not run, and nothing leaks or hangs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from infra.offline.stack_files import PROJECT_ROOT
from tests.support.local_servers import free_port
from tests.support.s3_servers import Credential, Server
from tests.support.validate_run import Run, assert_told_safely, storage_env, validate_text_and_json

SECRET = "netFault-Secret/0123456789+abcdefABCDEF"
CREDENTIAL = Credential("AKIDNETWORKFAULT0001", SECRET)
TIMEOUT = 1.0


@pytest.fixture()
def blackhole() -> Iterator[str]:
    """A port that completes the TCP handshake (the kernel's backlog) but never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def run_against(endpoint: str) -> tuple[Run, Run]:
    env = storage_env(Server(endpoint, CREDENTIAL), "raptscallions-prod", CREDENTIAL)
    return validate_text_and_json(env, "--timeout", str(TIMEOUT), "--origin", "https://app.example.com")


def assert_connectivity_failed(text: Run, data: Run, error_class: str, guide_line: str) -> None:
    assert (text.code, data.code) == (1, 1)
    assert data.statuses()["configuration"] == "passed"
    failed = data.check("connectivity")
    assert failed["status"] == "failed" and failed["error"]["class"] == error_class
    assert guide_line in failed["error"]["message"] and guide_line in text.out
    assert all(
        status == "not run"
        for check, status in data.statuses().items()
        if check not in ("configuration", "connectivity")
    )
    assert_told_safely(SECRET, text, data)


def test_closed_port_is_connection_refused() -> None:
    text, data = run_against(f"http://127.0.0.1:{free_port()}")
    assert_connectivity_failed(text, data, "connection_refused", "Storage service unavailable (ECONNREFUSED)")


def test_unresolvable_host_is_dns_failure() -> None:
    text, data = run_against("https://storage.no-such-host.invalid")
    assert_connectivity_failed(text, data, "dns_failure", "Storage service unavailable (ENOTFOUND)")


def test_blackholed_endpoint_times_out_within_the_limit(blackhole: str) -> None:
    start = time.monotonic()
    text, data = run_against(blackhole)
    elapsed = time.monotonic() - start
    assert_connectivity_failed(text, data, "timeout", "Storage service did not answer (ETIMEDOUT)")
    assert data.check("connectivity")["durationMs"] < (TIMEOUT + 0.5) * 1000
    assert elapsed < 2 * (TIMEOUT + 1.5)  # two runs, each bounded by one check's timeout


def _subprocess(args: list[str], env_extra: dict[str, str]) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_", "CI", "AWS_"))}
    env.update(env_extra)
    done = subprocess.run(
        [sys.executable, "-m", "infra.validate", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def test_real_process_reports_a_refused_connection_with_exit_1_and_no_colour() -> None:
    env = storage_env(Server(f"http://127.0.0.1:{free_port()}", CREDENTIAL), "raptscallions-prod", CREDENTIAL)
    run = _subprocess([], env)
    assert run.code == 1
    assert "❌ Connectivity" in run.out and "\x1b[" not in run.out
    assert_told_safely(SECRET, run)


def test_real_process_without_configuration_exits_2_and_in_ci_skips() -> None:
    missing = _subprocess([], {})
    assert missing.code == 2 and "STORAGE_S3_BUCKET is not set" in missing.out
    skipped = _subprocess([], {"CI": "true", "STORAGE_BACKEND": ""})
    assert skipped.code == 0 and skipped.out.startswith("S3 validation skipped")
    assert "Traceback" not in missing.err + skipped.err
