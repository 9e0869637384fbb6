"""The validator against moto's S3 with IAM enforced: credentials and policies take effect.

moto cannot serve signed URLs while IAM is enforced and does not evaluate CORS, so
runs here skip those three checks (LocalStack covers them, see
test_validate_localstack.py); every skip is reported as skipped, never as passed.
"""

from __future__ import annotations

import copy
import http.client
import http.server
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from infra.guide.permissions import app_policy_document
from infra.offline.stack_files import PROJECT_ROOT
from infra.validate.probes import PREFIX
from tests.support.s3_servers import Credential, Server, moto_server, snapshot, unique_bucket
from tests.support.validate_run import Run, assert_told_safely, storage_env, validate, validate_text_and_json

MOTO_CANNOT_JUDGE = ("--skip", "signed-url-get", "--skip", "signed-url-put", "--skip", "cors")
PRE_EXISTING = {
    "uploads/report.pdf": b"%PDF-1.4 user content",
    "deleted/old.txt": b"soft-deleted",
    f"{PREFIX}another-run/upload.txt": b"a concurrent run's probe: not ours to touch",
    "a key with spaces & symbols+.txt": b"odd name",
}


@dataclass(frozen=True)
class World:
    server: Server
    bucket: str
    app: Credential


def policy_without(bucket: str, action: str) -> dict[str, Any]:
    """The app's policy (from the guide) minus one action."""
    document = copy.deepcopy(app_policy_document(bucket))
    for statement in document["Statement"]:
        statement["Action"] = [a for a in statement["Action"] if a != action]
    return document


@pytest.fixture(scope="module")
def moto() -> Iterator[Server]:
    with moto_server() as server:
        yield server


def make_world(server: Server, stem: str, *, versioned: bool = False, policy_change: str | None = None) -> World:
    bucket = unique_bucket(stem)
    s3 = server.client("s3")
    s3.create_bucket(Bucket=bucket)
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for key, body in PRE_EXISTING.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    policy = policy_without(bucket, policy_change) if policy_change else app_policy_document(bucket)
    return World(server, bucket, server.iam_user(f"{bucket}-app", policy))


@pytest.fixture()
def world(moto: Server) -> World:
    return make_world(moto, "app-bucket")


def probe_keys(server: Server, bucket: str) -> list[str]:
    listed = server.client("s3").list_objects_v2(Bucket=bucket, Prefix=PREFIX).get("Contents", [])
    return sorted(o["Key"] for o in listed if o["Key"] not in PRE_EXISTING)


def test_app_credential_passes_every_check_moto_can_judge(world: World) -> None:
    before = snapshot(world.server.client("s3"), world.bucket)
    text, data = validate_text_and_json(storage_env(world.server, world.bucket, world.app), *MOTO_CANNOT_JUDGE)
    assert (text.code, data.code) == (0, 0), text.out
    assert data.statuses() == {
        "configuration": "passed",
        "connectivity": "passed",
        "upload": "passed",
        "download": "passed",
        "signed-url-get": "skipped",
        "signed-url-put": "skipped",
        "delete": "passed",
        "cleanup": "passed",
        "cors": "skipped",
        "least-privilege": "passed",
    }
    assert "4 read-only probe(s) outside the app's permissions refused" in data.check("least-privilege")["detail"]
    assert "✅ Least privilege" in text.out and "➖ CORS preflight" in text.out
    assert "7 passed, 3 skipped of 10 checks" in text.out
    assert snapshot(world.server.client("s3"), world.bucket) == before
    assert probe_keys(world.server, world.bucket) == []
    assert_told_safely(world.app.secret, text, data)


def test_admin_credential_is_reported_over_privileged(world: World) -> None:
    text, data = validate_text_and_json(storage_env(world.server, world.bucket, world.server.admin), *MOTO_CANNOT_JUDGE)
    assert (text.code, data.code) == (1, 1)
    check = data.check("least-privilege")
    assert check["status"] == "failed" and check["error"]["class"] == "over_privileged"
    for what in ("list all buckets", "read the bucket policy", "read the bucket CORS", "read the bucket ACL"):
        assert what in check["error"]["message"]
    assert data.first_failure()["id"] == "least-privilege"
    assert "❌ Least privilege" in text.out and "Possible causes:" in text.out
    assert_told_safely(world.server.admin.secret, text, data)


UNKNOWN_KEY = "AKIDUNKNOWNVALIDATE01"
FAKE_SECRET = "fake-Secret/For+Validator-0123456789abcdef"


@pytest.mark.parametrize(
    ("scenario", "failing_check", "error_class", "detail"),
    [
        ("unknown key id", "connectivity", "auth_failed", "InvalidAccessKeyId"),
        ("wrong secret", "connectivity", "auth_failed", "SignatureDoesNotMatch"),
        ("missing bucket", "connectivity", "bucket_not_found", "NoSuchBucket"),
        ("credential without PutObject", "upload", "access_denied", "AccessDenied"),
    ],
)
def test_fault_is_named_with_the_guides_class_and_no_secret(
    moto: Server, scenario: str, failing_check: str, error_class: str, detail: str
) -> None:
    world = make_world(moto, "fault", policy_change="s3:PutObject" if "PutObject" in scenario else None)
    bucket, credential = world.bucket, world.app
    if scenario == "unknown key id":
        credential = Credential(UNKNOWN_KEY, FAKE_SECRET)
    elif scenario == "wrong secret":
        credential = Credential(world.app.key_id, FAKE_SECRET)
    elif scenario == "missing bucket":
        bucket, credential = unique_bucket("missing"), moto.admin
    before = snapshot(moto.client("s3"), world.bucket)
    text, data = validate_text_and_json(storage_env(moto, bucket, credential), *MOTO_CANNOT_JUDGE)

    assert (text.code, data.code) == (1, 1)
    failed = data.first_failure()
    assert failed["id"] == failing_check
    assert failed["error"]["class"] == error_class
    assert detail in failed["error"]["message"]
    assert f"❌ {failed['name']}" in text.out
    assert "Possible causes:" in text.out and failed["error"]["causes"][0] in text.out
    checks = [c["id"] for c in data.report["checks"]]
    after = checks[checks.index(failing_check) + 1 :]
    dependants = {"connectivity": after, "upload": ["download", "delete", "cleanup"]}[failing_check]
    assert all(data.check(c)["status"] in ("not run", "skipped") for c in dependants)
    assert snapshot(moto.client("s3"), world.bucket) == before
    assert probe_keys(moto, world.bucket) == []
    assert_told_safely(credential.secret, text, data)


def test_failing_run_removes_its_probes_and_touches_nothing_else(moto: Server) -> None:
    world = make_world(moto, "no-get", policy_change="s3:GetObject")
    before = snapshot(moto.client("s3"), world.bucket)
    run = validate(storage_env(moto, world.bucket, world.app), "--json", *MOTO_CANNOT_JUDGE)
    assert run.code == 1
    assert run.statuses()["upload"] == "passed"
    assert run.check("download")["error"]["class"] == "access_denied"
    assert run.statuses()["delete"] == run.statuses()["cleanup"] == "passed"
    assert run.report["leftBehind"] == []
    assert snapshot(moto.client("s3"), world.bucket) == before
    assert probe_keys(moto, world.bucket) == []


def test_probe_that_cannot_be_deleted_is_named_for_the_user(moto: Server) -> None:
    world = make_world(moto, "no-delete", policy_change="s3:DeleteObject")
    env = storage_env(moto, world.bucket, world.app)
    data = validate(env, "--json", *MOTO_CANNOT_JUDGE)
    assert data.code == 1
    assert data.check("delete")["error"]["class"] == "access_denied"
    [left] = probe_keys(moto, world.bucket)
    assert left.endswith("/upload.txt") and data.report["leftBehind"] == [left]
    text = validate(env, *MOTO_CANNOT_JUDGE)
    [text_left] = set(probe_keys(moto, world.bucket)) - {left}
    assert "delete them by hand" in text.out and text_left in text.out.replace("\n", "")
    for key in (left, text_left):
        moto.client("s3").delete_object(Bucket=world.bucket, Key=key)


def test_versioned_bucket_leftovers_are_reported_and_are_exactly_the_probes(moto: Server) -> None:
    world = make_world(moto, "versioned", versioned=True)
    s3 = moto.client("s3")
    before = snapshot(s3, world.bucket)
    run = validate(storage_env(moto, world.bucket, world.app), "--json", *MOTO_CANNOT_JUDGE)
    assert run.code == 0, run.out
    [note] = run.check("cleanup")["notes"]
    assert "1 noncurrent version(s) and 1 delete marker(s)" in note
    assert "cleanup-noncurrent-versions" in note
    after = snapshot(s3, world.bucket)
    new = {key: value for key, value in after.items() if key not in before}
    assert {k: v for k, v in after.items() if k in before} == before
    assert sorted(value[0] == "delete-marker" for value in new.values()) == [False, True]
    [probe_key] = {key for key, _version in new}
    assert probe_key.startswith(PREFIX) and probe_key.endswith("/upload.txt")


class _Gate(http.server.ThreadingHTTPServer):
    """A pass-through proxy that holds the first download of the upload probe."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _GateHandler)
        self.upstream = upstream.split("//", 1)[1]
        self.holding = threading.Event()
        self.release = threading.Event()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _GateHandler(http.server.BaseHTTPRequestHandler):
    server: _Gate

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        held = self.command == "GET" and PREFIX in self.path and self.path.endswith("/upload.txt")
        if held and not self.server.holding.is_set():
            self.server.holding.set()
            self.server.release.wait(30)
            self.send_error(503)
            return
        upstream = http.client.HTTPConnection(self.server.upstream, timeout=30)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            upstream.putheader(name, value)
        upstream.endheaders(body or None)
        reply = upstream.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        for name, value in reply.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = do_OPTIONS = _relay


def test_interrupted_run_removes_its_probes_and_touches_nothing_else(moto: Server) -> None:
    world = make_world(moto, "interrupted")
    s3 = moto.client("s3")
    before = snapshot(s3, world.bucket)
    gate = _Gate(moto.endpoint)
    threading.Thread(target=gate.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_", "AWS_", "CI"))}
    env.update(storage_env(moto, world.bucket, world.app, STORAGE_S3_ENDPOINT=gate.endpoint))
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.validate", "--json", *MOTO_CANNOT_JUDGE],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert gate.holding.wait(30), "the validator never reached the download check"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        gate.release.set()
        if process.poll() is None:
            process.kill()
        gate.shutdown()
    run = Run(process.returncode, out, err)
    assert run.code == 130
    assert run.report["interrupted"] is True
    assert run.statuses()["upload"] == "passed"
    assert run.statuses()["download"] == "interrupted"
    assert {run.statuses()[c] for c in ("delete", "cleanup", "least-privilege")} == {"not run"}
    assert run.report["leftBehind"] == []
    assert snapshot(s3, world.bucket) == before
    assert probe_keys(moto, world.bucket) == []
    assert_told_safely(world.app.secret, run)
