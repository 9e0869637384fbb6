"""The validator's safety promises against servers that answer late, trickle, or hold:
a probe whose upload got no answer is deleted at clean-up and still named; clean-up
ends by a wall-clock deadline and names what it could not remove; no request is
retried behind the run's back."""

from __future__ import annotations

import threading

import pytest

from infra.validate.probes import PREFIX
from tests.s3_double import Behaviour, S3Double, s3_double
from tests.s3_servers import Credential, Server
from tests.validate_run import Run, assert_told_safely, storage_env, validate

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
    return [k for k in double.keys() if k.startswith(PREFIX)]


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
        assert double.seen("DELETE", upload) == 2 and upload not in double.keys()


def test_clean_up_that_never_gets_an_answer_ends_and_names_the_probe() -> None:
    release = threading.Event()

    def rule(method: str, key: str, nth: int) -> Behaviour | None:
        return Behaviour(hold=release) if method == "DELETE" else None

    try:
        with s3_double(BUCKET, rule) as double:
            run = run_on(double)
            left = run.report["leftBehind"]
            assert sorted(map(role, left)) == ["signed-put.txt", "upload.txt"]
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
        assert sorted(map(role, left)) == ["signed-put.txt", "upload.txt"] and run.code == 1
