"""`--fresh-credential`: right after `pulumi up`, the validator waits (within --timeout) while
the provider does not know the new access key yet, and only then.

On a real S3 engine (Ceph RGW, the engine of DigitalOcean Spaces): RGW refuses a key it does
not know with `InvalidAccessKeyId` (403), as AWS does while a new IAM key propagates
(aws/aws-sdk-js#559). The key "appears" when the user holding it is created, part-way
through the validator's run (`radosgw-admin user create` with that key). Its access comes from
a bucket policy naming the user, set before: RGW drops a user's inline policies on a later
`user modify`/`key create` (tests/support/rgw_server.py), and a key created before its permissions
would be refused with AccessDenied, which must not be retried.
"""

from __future__ import annotations

import json
import secrets
import string
import subprocess
import threading
import time

import pytest

from infra.validate import fresh_key
from infra.validate.fresh_key import FIRST_DELAY, FLAG
from tests.support.rgw_server import Rgw
from tests.support.s3_servers import Credential, unique_bucket
from tests.support.validate_run import Run, assert_told_safely, storage_env, validate

KEY_APPEARS_AFTER = 2.0
"""Seconds after RGW first refused the key that it is created."""
TIMEOUT = "8"
"""--timeout for the runs that wait: well past KEY_APPEARS_AFTER, short for a test."""
APP_ACTIONS = ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
ONLY_CONNECTIVITY = [
    arg
    for check in ("upload", "download", "signed-url-get", "signed-url-put", "delete", "cleanup", "cors", "least-privilege")
    for arg in ("--skip", check)
]


def new_key() -> Credential:
    key = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(20))
    return Credential(key, secrets.token_hex(20))


def bucket_for(rgw: Rgw, uid: str) -> str:
    """An admin-owned bucket whose policy gives user `uid` (which need not exist yet) the app's actions."""
    bucket = rgw.create_bucket(unique_bucket("fresh-key"))
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam:::user/{uid}"]},
        "Action": APP_ACTIONS,
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
    }
    rgw.client().put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    return bucket


def create_user(rgw: Rgw, uid: str, credential: Credential) -> None:
    subprocess.run(
        [
            "radosgw-admin", "-c", rgw.conf, "user", "create", f"--uid={uid}", f"--display-name={uid}",
            f"--access-key={credential.key_id}", f"--secret-key={credential.secret}", "--max-buckets=-1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def timed(env: dict[str, str], *args: str) -> tuple[Run, float]:
    start = time.monotonic()
    run = validate(env, "--json", *args)
    return run, time.monotonic() - start


def test_without_the_flag_an_unknown_key_fails_at_once_and_says_what_the_flag_does(rgw: Rgw) -> None:
    bucket, credential = bucket_for(rgw, "not-created-yet"), new_key()
    run, _ = timed(storage_env(rgw.server, bucket, credential), "--timeout", TIMEOUT, *ONLY_CONNECTIVITY)
    check = run.check("connectivity")
    assert check["status"] == "failed" and check["error"]["class"] == "auth_failed"
    first, hint = check["error"]["message"].splitlines()
    assert first.endswith("(InvalidAccessKeyId)") and FLAG in hint and check["notes"] == []
    assert check["durationMs"] < 1000 * FIRST_DELAY, "the run waited for the key without being asked to"
    assert run.code == 1
    assert_told_safely(credential.secret, run)


def test_with_the_flag_a_key_created_during_the_run_passes_and_the_wait_is_reported(
    rgw: Rgw, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid = f"fresh-{secrets.token_hex(4)}"
    bucket, credential = bucket_for(rgw, uid), new_key()
    env = storage_env(rgw.server, bucket, credential)
    # The key is created KEY_APPEARS_AFTER seconds after RGW first refused it: after the run
    # started, however slowly it started.
    timer = threading.Timer(KEY_APPEARS_AFTER, create_user, (rgw, uid, credential))
    refusal_seen = fresh_key.not_yet_known_code

    def refused(error: BaseException) -> str | None:
        code = refusal_seen(error)
        if code and timer.ident is None:
            timer.start()
        return code

    monkeypatch.setattr(fresh_key, "not_yet_known_code", refused)
    try:
        run, took = timed(env, FLAG, "--timeout", TIMEOUT, "--skip", "cors", "--skip", "least-privilege")
    finally:
        timer.cancel()
        if timer.ident is not None:
            timer.join()
    assert timer.ident is not None, "RGW never refused the key"
    assert run.code == 0, run.out
    assert set(run.statuses().values()) == {"passed", "skipped"}
    [note] = run.check("connectivity")["notes"]
    assert note.startswith("The access key was refused as not yet known (InvalidAccessKeyId) for ")
    waited = float(note.split(" for ", 1)[1].split("s,", 1)[0])
    assert KEY_APPEARS_AFTER <= waited <= took, note
    assert run.check("connectivity")["durationMs"] <= 1000 * float(TIMEOUT) + 500
    text = validate(env, FLAG, "--timeout", TIMEOUT, "--skip", "cors", "--skip", "least-privilege")
    assert text.code == 0 and "Note: The access key was refused" not in text.out  # known now: no wait, no note
    assert_told_safely(credential.secret, run, text)


def test_with_the_flag_a_key_that_never_appears_fails_by_the_timeout_as_an_auth_failure(rgw: Rgw) -> None:
    bucket, credential = bucket_for(rgw, "never-created"), new_key()
    timeout = 4.0
    run, _ = timed(storage_env(rgw.server, bucket, credential), FLAG, "--timeout", str(timeout), *ONLY_CONNECTIVITY)
    check = run.check("connectivity")
    assert check["status"] == "failed" and check["error"]["class"] == "auth_failed", check
    first, second = check["error"]["message"].splitlines()
    assert first.endswith("the access key ID is unknown to the provider (InvalidAccessKeyId)")
    assert second.startswith("still refused after waiting ") and f"--timeout {timeout:g}s" in second
    waited = float(second.split("waiting ", 1)[1].split("s ", 1)[0])
    assert timeout / 2 <= waited <= timeout, "gave up too early, or waited past --timeout"
    assert check["durationMs"] <= 1000 * timeout + 500, "waited past --timeout"
    assert run.code == 1
    assert_told_safely(credential.secret, run)


def _other_refusals(rgw: Rgw) -> dict[str, tuple[dict[str, str], str]]:
    """Each refusal that is not "key unknown": the environment that causes it and the class reported."""
    uid = f"known-{secrets.token_hex(4)}"
    bucket, credential = bucket_for(rgw, uid), new_key()
    create_user(rgw, uid, credential)
    elsewhere = rgw.create_bucket(unique_bucket("not-granted"))  # the user has no permission there
    return {
        "SignatureDoesNotMatch": (
            storage_env(rgw.server, bucket, Credential(credential.key_id, secrets.token_hex(20))),
            "auth_failed",
        ),
        "AccessDenied": (storage_env(rgw.server, elsewhere, credential), "access_denied"),
        "NoSuchBucket": (storage_env(rgw.server, unique_bucket("missing"), credential), "bucket_not_found"),
    }


def test_with_the_flag_other_refusals_are_not_retried(rgw: Rgw) -> None:
    for code, (env, error_class) in _other_refusals(rgw).items():
        run, _ = timed(env, FLAG, "--timeout", TIMEOUT, *ONLY_CONNECTIVITY)
        check = run.check("connectivity")
        assert check["status"] == "failed" and check["error"]["class"] == error_class, (code, check)
        assert f"({code})" in check["error"]["message"] or code in check["error"]["message"], check
        assert "still refused" not in check["error"]["message"] and check["notes"] == [], code
        assert check["durationMs"] < 1000 * FIRST_DELAY, f"{code} was retried"
