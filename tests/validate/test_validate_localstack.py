"""The validator against LocalStack's S3: signed URLs and CORS preflights judged exactly.

LocalStack checks signed-URL signatures against the key's real secret (keys made by
its IAM) and evaluates the bucket's CORS rules as S3 does; it accepts any header-signed
credential, so least privilege is judged on moto (test_validate_moto.py) and only
reported here. Set VALIDATE_S3_* to run these against MinIO or a real account instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra.guide import contract
from infra.guide.cors import CorsRule, allowed_headers_problem, browser_origin, origin_problem
from infra.guide.permissions import app_policy_document
from infra.validate import plain_http
from infra.validate.checks import FOREIGN_ORIGIN
from infra.validate.probes import PREFIX
from tests.support.s3_documents import s3_cors_configuration
from tests.support.s3_servers import (
    Credential,
    Server,
    empty_and_delete_bucket,
    external_server,
    snapshot,
    unique_bucket,
)
from tests.support.validate_run import assert_told_safely, fake_pulumi, storage_env, validate, validate_text_and_json

ORIGIN = "https://app.raptscallions.example"
OTHER_ORIGIN = "https://staging.raptscallions.example"
PRE_EXISTING = {
    "uploads/u1/avatar.png": b"\x89PNG not really",
    "deleted/gone-soon.txt": b"soft-deleted",
    f"{PREFIX}someone-elses-run/upload.txt": b"not ours",
}
CANNOT_JUDGE_HERE = ("--skip", "least-privilege")


@dataclass(frozen=True)
class Bench:
    server: Server
    app: Credential
    external: bool


pytestmark = pytest.mark.xdist_group("localstack")  # the session's LocalStack, unless VALIDATE_S3_ENDPOINT


@pytest.fixture(scope="module")
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    external = external_server()
    if external is not None:
        yield Bench(external, external.admin, True)
        return
    server = request.getfixturevalue("localstack_server")
    # A key LocalStack knows, so signed URLs are checked against its real secret.
    app = server.iam_user("validator-app", app_policy_document("*"))
    yield Bench(server, app, False)


@pytest.fixture()
def bucket(bench: Bench) -> Iterator[str]:
    """A bucket set up as `pulumi up` would: the shared CORS rule for ORIGIN, plus user data."""
    name = unique_bucket("validate")
    s3 = bench.server.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_cors(Bucket=name, CORSConfiguration=s3_cors_configuration(CorsRule(allowed_origins=(ORIGIN,))))
    for key, body in PRE_EXISTING.items():
        s3.put_object(Bucket=name, Key=key, Body=body)
    yield name
    empty_and_delete_bucket(s3, name)


def probe_keys(bench: Bench, bucket: str) -> list[str]:
    listed = bench.server.client("s3").list_objects_v2(Bucket=bucket, Prefix=PREFIX).get("Contents", [])
    return sorted(o["Key"] for o in listed if o["Key"] not in PRE_EXISTING)


def test_every_check_passes_on_a_correctly_set_up_bucket(bench: Bench, bucket: str) -> None:
    before = snapshot(bench.server.client("s3"), bucket)
    env = storage_env(bench.server, bucket, bench.app)
    text, data = validate_text_and_json(env, "--origin", ORIGIN, *CANNOT_JUDGE_HERE)
    assert (text.code, data.code) == (0, 0), text.out
    assert {c["id"]: c["status"] for c in data.report["checks"]} == {
        **{c: "passed" for c in ("configuration", "connectivity", "upload", "download", "signed-url-get")},
        **{c: "passed" for c in ("signed-url-put", "delete", "cleanup", "cors")},
        "least-privilege": "skipped",
    }
    assert all(c["durationMs"] is not None for c in data.report["checks"] if c["status"] == "passed")
    assert data.report["target"]["origins"] == [ORIGIN]
    for line in (
        "║                 S3 Production Validation Report                  ║",
        f"║  Bucket:   {bucket}",
        "✅ Signed URL (PUT)     PASSED",
        "✅ CORS preflight       PASSED",
        "9 passed, 1 skipped of 10 checks",
    ):
        assert line in text.out
    assert snapshot(bench.server.client("s3"), bucket) == before
    assert probe_keys(bench, bucket) == []
    assert_told_safely(bench.app.secret, text, data)


@pytest.mark.skipif(external_server() is not None, reason="an external server's permissions are unknown")
def test_localstack_grants_everything_and_the_validator_says_so(bench: Bench, bucket: str) -> None:
    run = validate(storage_env(bench.server, bucket, bench.app), "--json", "--origin", ORIGIN)
    assert run.code == 1
    assert run.first_failure()["id"] == "least-privilege"
    assert run.check("least-privilege")["error"]["class"] == "over_privileged"


NOT_ENABLED = 'AccessForbidden "CORSResponse: CORS is not enabled for this bucket."'
NOT_ALLOWED = 'AccessForbidden "CORSResponse: This CORS request is not allowed.'


@pytest.mark.parametrize(
    ("rule", "origin", "expected", "cause", "fix"),
    [
        (CorsRule(allowed_origins=(ORIGIN,)), OTHER_ORIGIN, (f"{OTHER_ORIGIN} PUT: refused", NOT_ALLOWED),
         "cors_request_not_allowed", "List the app's origin exactly"),
        (CorsRule(allowed_origins=("*",)), ORIGIN, (f"foreign origin {FOREIGN_ORIGIN} is allowed",),
         "cors_foreign_origin_allowed", "List only the app's own origins"),
        (CorsRule(allowed_origins=(ORIGIN,), allowed_methods=("GET", "HEAD")), ORIGIN,
         (f"{ORIGIN} PUT: refused", "Access-Control-Request-Method: PUT", NOT_ALLOWED),
         "cors_request_not_allowed", "List the app's origin exactly"),
        (None, ORIGIN, (f"{ORIGIN} GET: refused", f"Origin: {ORIGIN}", NOT_ENABLED),
         "cors_not_enabled", "Apply the stack's CORS rule"),
        (CorsRule(allowed_origins=(ORIGIN,), expose_headers=("Content-Length",)), ORIGIN,
         (f"{ORIGIN} PUT: refused", "Access-Control-Expose-Headers: Content-Length"),
         "cors_etag_not_exposed", "Expose ETag"),
        (CorsRule(allowed_origins=(ORIGIN,), allowed_headers=("x-amz-meta-a",)), ORIGIN,
         (f"{ORIGIN} PUT: refused", "Access-Control-Request-Headers: content-type", NOT_ALLOWED),
         "cors_request_not_allowed", "List the app's origin exactly"),
    ],
    ids=["origin missing", "wildcard origin", "PUT missing", "no CORS at all", "ETag not exposed", "header missing"],
)
def test_cors_fault_fails_the_cors_check_naming_the_servers_answer(
    bench: Bench, bucket: str, rule: CorsRule | None, origin: str, expected: tuple[str, ...], cause: str, fix: str
) -> None:
    """LocalStack answers a refused preflight as AWS does (services/s3/cors.py): `CORS is not
    enabled for this bucket` without rules, `This CORS request is not allowed` when none matches."""
    s3 = bench.server.client("s3")
    if rule is None:
        s3.delete_bucket_cors(Bucket=bucket)
    else:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=s3_cors_configuration(rule))
    text, data = validate_text_and_json(
        storage_env(bench.server, bucket, bench.app), "--origin", origin, *CANNOT_JUDGE_HERE
    )
    assert (text.code, data.code) == (1, 1)
    failed = [c for c in data.report["checks"] if c["status"] == "failed"]
    assert [c["id"] for c in failed] == ["cors"]
    error = failed[0]["error"]
    assert error["class"] == "cors"
    for part in expected:
        assert part in error["message"]
    assert f"({cause})" in error["message"] or cause == "cors_foreign_origin_allowed"
    assert len(error["causes"]) == 1, error["causes"]  # the answer's cause only
    assert error["fix"].startswith(fix)
    assert "dev tools" not in text.out
    assert "❌ CORS preflight" in text.out and "Cause:" in text.out and error["causes"][0] in text.out.replace("\n       ", " ")
    assert probe_keys(bench, bucket) == []
    assert_told_safely(bench.app.secret, text, data)


def test_wrong_secret_is_caught_by_signed_urls_even_where_headers_pass(bench: Bench, bucket: str) -> None:
    """LocalStack accepts any header-signed request, but checks signed URLs properly."""
    if bench.external:
        pytest.skip("only LocalStack accepts header-signed requests with a wrong secret")
    wrong = Credential(bench.app.key_id, "not-the-Secret/of+this-key-0123456789")
    text, data = validate_text_and_json(
        storage_env(bench.server, bucket, wrong), "--origin", ORIGIN, *CANNOT_JUDGE_HERE
    )
    assert (text.code, data.code) == (1, 1)
    assert data.first_failure()["id"] == "signed-url-get"
    assert data.check("signed-url-get")["error"]["class"] == "auth_failed"
    assert "SignatureDoesNotMatch" in data.check("signed-url-get")["error"]["message"]
    assert data.check("signed-url-put")["error"]["class"] == "auth_failed"
    assert probe_keys(bench, bucket) == []
    assert_told_safely(wrong.secret, text, data)


def test_versioned_bucket_signed_put_versions_are_counted_too(bench: Bench, bucket: str) -> None:
    s3 = bench.server.client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    before = snapshot(s3, bucket)
    # Without the SDK checksum settings the run also uploads through the app SDK's default URL: 3 probes.
    run = validate(storage_env(bench.server, bucket, bench.app), "--json", "--origin", ORIGIN, *CANNOT_JUDGE_HERE)
    assert run.code == 0, run.out
    assert "3 noncurrent version(s) and 3 delete marker(s)" in run.check("cleanup")["notes"][0]
    new = {k: v for k, v in snapshot(s3, bucket).items() if k not in before}
    assert len(new) == 6 and all(key.startswith(PREFIX) for key, _ in new)
    assert sorted(v[0] == "delete-marker" for v in new.values()) == [False] * 3 + [True] * 3


def test_stack_outputs_are_validated_with_the_stacks_cors_origins(
    bench: Bench, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs: dict[str, object] = dict(storage_env(bench.server, bucket, bench.app))
    outputs[contract.CORS_ORIGINS_OUTPUT] = [ORIGIN]
    monkeypatch.setenv("PATH", fake_pulumi(tmp_path, outputs)["PATH"])
    run = validate({}, "--json", "--stack", "prod", *CANNOT_JUDGE_HERE)
    assert run.code == 0, run.out
    assert run.report["source"] == "stack prod"
    assert run.report["target"]["origins"] == [ORIGIN]
    assert run.check("cors")["status"] == "passed"
    assert_told_safely(bench.app.secret, run)


# --- CORS origins a browser never sends (S3 compares the Origin header literally) -----------

MISSPELLINGS_OF_ORIGIN = [
    "https://App.Raptscallions.example",
    "https://app.raptscallions.example:443",
    "HTTPS://app.raptscallions.example",
]


def preflight_allows(server: Server, bucket: str, origin: str, method: str = "PUT") -> bool:
    """What a browser at `origin` learns from S3's answer to its preflight for `method`."""
    response = plain_http.request(
        "OPTIONS",
        f"{server.endpoint}/{bucket}/uploads/u1/avatar.png",
        headers={"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type"},
        timeout=10,
    )
    return 200 <= response.status < 300 and response.header("access-control-allow-origin") in (origin, "*")


@pytest.mark.parametrize("stored", MISSPELLINGS_OF_ORIGIN)
def test_a_rule_stored_as_no_browser_sends_it_refuses_the_real_app(bench: Bench, bucket: str, stored: str) -> None:
    """Why the guide's rule refuses these spellings: the app's browser sends ORIGIN, and
    a rule holding another spelling does not answer it."""
    assert browser_origin(stored) == ORIGIN and origin_problem(stored, production=True)
    s3 = bench.server.client("s3")
    assert preflight_allows(bench.server, bucket, ORIGIN)  # the shipped rule answers the app
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=s3_cors_configuration(CorsRule(allowed_origins=(stored,))))
    assert not preflight_allows(bench.server, bucket, ORIGIN)
    run = validate(storage_env(bench.server, bucket, bench.app), "--json", "--origin", ORIGIN, *CANNOT_JUDGE_HERE)
    assert run.code == 1 and run.statuses()["cors"] == "failed"
    assert f"{ORIGIN} PUT: refused" in run.check("cors")["error"]["message"]


@pytest.mark.parametrize("stored", MISSPELLINGS_OF_ORIGIN)
def test_the_validator_never_passes_a_stored_origin_no_browser_sends(
    bench: Bench, bucket: str, stored: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stack deployed with a misspelled origin exports that spelling; a preflight sent
    with it would match the stored rule literally and pass, though the real app is refused."""
    s3 = bench.server.client("s3")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=s3_cors_configuration(CorsRule(allowed_origins=(stored,))))
    outputs: dict[str, object] = {**storage_env(bench.server, bucket, bench.app), contract.CORS_ORIGINS_OUTPUT: [stored]}
    monkeypatch.setenv("PATH", fake_pulumi(tmp_path, outputs)["PATH"])
    run = validate({}, "--json", "--stack", "prod", *CANNOT_JUDGE_HERE)
    assert run.code != 0, run.out
    assert f"'Origin: {ORIGIN}'" in run.out + run.err
    assert_told_safely(bench.app.secret, run)


@pytest.mark.parametrize("allowed", [(), ("x-amz-meta-owner",), ("content-*",), ("Content-Type",), ("*",)], ids=repr)
def test_settings_refuse_exactly_the_header_lists_whose_upload_preflight_fails(bench: Bench, allowed: tuple[str, ...]) -> None:
    """`allowed_headers_problem` against the server: a list it refuses fails the signed PUT's
    preflight (content-type), a list it accepts passes it."""
    name = unique_bucket("headers")
    s3 = bench.server.client("s3")
    s3.create_bucket(Bucket=name)
    try:
        rule = CorsRule(allowed_origins=(ORIGIN,), allowed_headers=allowed)
        s3.put_bucket_cors(Bucket=name, CORSConfiguration=s3_cors_configuration(rule))
        allowed_by_server = preflight_allows(bench.server, name, ORIGIN)
        assert allowed_by_server == (allowed_headers_problem(allowed) is None)
    finally:
        empty_and_delete_bucket(s3, name)
