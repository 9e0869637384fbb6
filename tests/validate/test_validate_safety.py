"""The validator's safety promises against servers that answer late, trickle, or hold:
a probe whose upload got no answer is deleted at clean-up and still named; clean-up
ends by a wall-clock deadline and names what it could not remove; no request is
retried behind the run's back."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from infra.offline.stack_files import PROJECT_ROOT
from infra.validate.probes import PREFIX
from tests.support.s3_double import Behaviour, S3Double, s3_double
from tests.support.s3_servers import Credential, Server
from tests.support.validate_run import Run, assert_told_safely, storage_env, validate

SECRET = "safetyDouble-Secret/0123456789+abcdefABCD"
CREDENTIAL = Credential("AKIDSAFETYDOUBLE0001", SECRET)
BUCKET = "raptscallions-safety"
TIMEOUT = "1"
LATE = 3.0
"""Seconds a late server takes: longer than the timeout and the clean-up together."""
NO_BROWSER_CHECKS = ("--skip", "cors", "--skip", "least-privilege")


def run_on(double: S3Double, *args: str) -> Run:
    env = storage_env(Server(double.endpoint, CREDENTIAL), BUCKET, CREDENTIAL)
    run = validate(env, "--json", "--timeout", TIMEOUT, *NO_BROWSER_CHECKS, *args)
    assert_told_safely(SECRET, run)
    return run


def role(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def probes_of(double: S3Double) -> list[str]:
    return [k for k in double.stored_keys() if k.startswith(PREFIX)]


def late_for(method: str, *roles: str, nth: int | None = None) -> object:
    def rule(m: str, key: str, n: int) -> Behaviour | None:
        if m == method and role(key) in roles and (nth is None or n == nth):
            return Behaviour(delay=LATE)
        return None

    return rule


def test_a_well_behaved_double_passes_and_keeps_nothing() -> None:
    """The double itself is a fair S3: without faults the run passes and cleans up."""
    with s3_double(BUCKET) as double:
        run = run_on(double)
        assert run.code == 0, run.out
        assert run.report["leftBehind"] == [] and probes_of(double) == []


@pytest.mark.parametrize(
    ("skip", "late_role"),
    [((), "upload.txt"), (("--skip", "upload"), "signed-put.txt")],
    ids=["sdk-put", "signed-put"],
)
def test_upload_answered_after_the_timeout_is_named_and_was_stored(skip: tuple[str, ...], late_role: str) -> None:
    with s3_double(BUCKET, late_for("PUT", late_role)) as double:
        run = run_on(double, *skip)
        [left] = run.report["leftBehind"]
        assert role(left) == late_role and run.code == 1
        assert double.wait_for_key(left, LATE + 2), "the late upload never landed"
        assert probes_of(double) == [left]  # exactly what the report named, nothing else
        assert double.seen("PUT", left) == 1, "the timed-out upload was sent again"


def test_upload_that_lands_before_clean_up_is_removed_and_not_named() -> None:
    """A late answer within the run: the delete comes after it, so nothing remains."""
    def rule(method: str, key: str, nth: int) -> Behaviour | None:
        return Behaviour(delay=0.3) if method == "PUT" else None

    with s3_double(BUCKET, rule) as double:
        run = run_on(double)
        assert run.code == 0 and run.report["leftBehind"] == [] and probes_of(double) == []


def test_delete_that_times_out_is_sent_again_at_clean_up() -> None:
    with s3_double(BUCKET, late_for("DELETE", "upload.txt", nth=1)) as double:
        run = run_on(double)
        assert run.check("delete")["error"]["class"] == "timeout"
        assert run.report["leftBehind"] == [] and run.code == 1
        upload = next(k for method, k in double.requests if method == "PUT" and role(k) == "upload.txt")
        assert double.seen("DELETE", upload) == 2 and upload not in double.stored_keys()


def test_clean_up_that_never_gets_an_answer_ends_and_names_the_probe() -> None:
    release = threading.Event()

    def rule(method: str, key: str, nth: int) -> Behaviour | None:
        return Behaviour(hold=release) if method == "DELETE" else None

    try:
        with s3_double(BUCKET, rule) as double:
            run = run_on(double)
            left = run.report["leftBehind"]
            assert {"signed-put.txt", "upload.txt"} <= set(map(role, left))  # every signed-PUT probe too
            assert sorted(left) == probes_of(double)  # exactly the probes that remain, all named
            assert run.check("delete")["error"]["class"] == "timeout" and run.code == 1
    finally:
        release.set()


def test_clean_up_against_a_trickling_server_ends_before_the_answer_does() -> None:
    """One byte every 0.5 s resets botocore's per-read timeout forever; the run must
    stop waiting by its own clock and name the probe."""
    def rule(method: str, key: str, nth: int) -> Behaviour | None:
        return Behaviour(trickle=0.5) if method == "DELETE" else None

    with s3_double(BUCKET, rule) as double:
        run = run_on(double)
        assert not double.trickle_finished.is_set(), "the run waited for the whole trickled answer"
        left = run.report["leftBehind"]  # the double deleted them, but no answer said so: named
        assert {"signed-put.txt", "upload.txt"} <= set(map(role, left)) and run.code == 1
        assert all(key.startswith(PREFIX) for key in left)


# Ctrl-C at any point of a real process's life: exit 130, probes removed, no traceback.

SIGTERM_BIT = 1 << (signal.SIGTERM - 1)
SWEEP = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2)
"""Seconds after the validator installed its handlers: imports, set-up, checks, clean-up."""


def _caught_signals(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("SigCgt:"))
    return int(line.split()[1], 16)


def _wait(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.002)


def _start(double: S3Double, stdout: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_", "AWS_", "CI"))}
    env.update(storage_env(Server(double.endpoint, CREDENTIAL), BUCKET, CREDENTIAL))
    return subprocess.Popen(
        [sys.executable, "-m", "infra.validate", "--json", *NO_BROWSER_CHECKS],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
    )


def _interrupted_cleanly(process: subprocess.Popen, out: bytes, err: bytes) -> None:
    text = err.decode(errors="replace")
    assert process.returncode == 130, text
    assert "Traceback" not in text and SECRET not in text + out.decode(errors="replace")
    assert "interrupted" in text


def test_ctrl_c_at_any_moment_exits_130_without_traceback_and_removes_probes() -> None:
    def slow(method: str, key: str, nth: int) -> Behaviour:
        return Behaviour(delay=0.15)  # long enough that every delay of the sweep lands in the run

    with s3_double(BUCKET, slow) as double:
        processes = [_start(double, subprocess.PIPE) for _ in SWEEP]
        try:
            for process in processes:
                _wait(lambda p=process: _caught_signals(p.pid) & SIGTERM_BIT, "the validator's handlers")
            for process, delay in zip(processes, SWEEP, strict=True):
                threading.Timer(delay, process.send_signal, (signal.SIGINT,)).start()
            named: set[str] = set()
            for process, delay in zip(processes, SWEEP, strict=True):
                out, err = process.communicate(timeout=120)
                assert out == b"" or json.loads(out)["interrupted"] is True, delay
                _interrupted_cleanly(process, out, err)
                named |= set(json.loads(out)["leftBehind"]) if out else set()
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        # An upload the server stores after its delete (interrupted while unanswered, as under a
        # loaded machine) may remain, as on real S3; the report must then name it.
        assert set(probes_of(double)) <= named, (probes_of(double), named)


def test_ctrl_c_while_the_report_is_written_exits_130_without_traceback() -> None:
    """The report's write is held by a full pipe; Ctrl-C lands exactly there."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    with contextlib.suppress(BlockingIOError):
        while True:
            os.write(write_end, b"." * 4096)
    os.set_blocking(write_end, True)
    with s3_double(BUCKET) as double:
        process = _start(double, write_end)
        os.close(write_end)
        try:
            _wait(lambda: _wchan(process.pid).endswith("pipe_write"), "the report's write to block")
            process.send_signal(signal.SIGINT)
            with os.fdopen(read_end, "rb") as reader:
                out = reader.read()
            err = process.stderr.read() if process.stderr else b""
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        report = json.loads(out.lstrip(b"."))
        assert report["leftBehind"] == [] and probes_of(double) == []
        _interrupted_cleanly(process, out, err)


def _wchan(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/wchan") as wchan:
            return wchan.read()
    except OSError:
        return ""
