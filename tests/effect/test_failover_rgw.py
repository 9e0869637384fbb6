"""The failover `.env` end to end on a real S3 engine (Ceph RGW), with what the plan renders.

The prod stack with `awsReplicaRegion` is rendered offline (the real program under Pulumi's
mocks), with a bucket name of its own so the test shares the session's RGW. On RGW:
- the app bucket and the replica, each with the CORS rule the plan declares for it and the
  replica with the declared versioning and lifecycle rules;
- the everyday user holding exactly the declared `storage-app-policy`, the failover user
  exactly the declared `storage-failover-policy` (RGW enforces user policies as IAM does).

Then `python -m infra.dotenv --failover` writes the failover `.env` from the stack's outputs
(bucket, region and key of the replica; RGW's endpoint stands for the replica's region, as
`replicaEndpoint`), and that file is judged by the app's clients: the validator (all ten
checks, CORS included), the app's own SDK for JavaScript signing a PUT and a GET, and
headless Chromium uploading from the configured origin. The everyday credential is refused
on the replica, and the failover credential on the app bucket.
"""

from __future__ import annotations

import base64
import json
import secrets
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError
from dotenv import dotenv_values

from infra.dotenv.cli import main as dotenv_main
from infra.guide import contract
from infra.offline.harness import Plan, run_stack_file
from scripts.try_validator import as_s3_api
from tests.support.app_sdk import presign
from tests.support.browser_judge import BrowserJudge, chromium_judge
from tests.support.examples_support import EXAMPLES, example_settings
from tests.support.rgw_server import Rgw
from tests.support.s3_documents import s3_cors_from_aws_rules
from tests.support.s3_servers import Credential, preflight, unique_bucket
from tests.support.validate_run import assert_told_safely, validate_text_and_json

EXAMPLE = "aws-replica/Pulumi.prod.yaml"
"""The replica use case (examples/aws-replica), under a bucket name of its own on RGW."""
REPLICA_REGION = example_settings(EXAMPLE)["awsReplicaRegion"]
CONTENT_TYPE = "image/png"
"""Not a CORS-safelisted content type: the browser's preflight asks for `content-type`."""
FOREIGN_ORIGIN = "https://evil.example.com"


@dataclass(frozen=True)
class Failover:
    """The stack on RGW: both buckets, both users, and the two `.env` files written from its outputs."""

    rgw: Rgw
    plan: Plan
    bucket: str
    replica: str
    everyday: Credential
    failover: Credential
    outputs_file: Path
    env_file: Path
    origin: str

    def as_(self, credential: Credential) -> Any:
        return self.rgw.client("s3", credential)


def declared(plan: Plan, name: str) -> dict[str, Any]:
    [resource] = [r for r in plan.resources if r.name == name]
    return resource.inputs


@pytest.fixture(scope="module")
def stack(rgw: Rgw, tmp_path_factory: pytest.TempPathFactory) -> Failover:
    bucket = unique_bucket("failover")
    plan = run_stack_file(EXAMPLES / EXAMPLE, config_overrides={"bucketName": bucket})
    assert plan.error is None, plan.error
    outputs = dict(plan.outputs)
    replica = outputs[contract.FAILOVER_OUTPUTS[contract.BUCKET]]
    assert replica == declared(plan, "storage-replica")["bucket"] and replica != bucket

    admin = rgw.client()
    for name, cors in ((bucket, "storage-cors"), (replica, "storage-replica-cors")):
        rgw.create_bucket(name, versioned=True)
        admin.put_bucket_cors(Bucket=name, CORSConfiguration=s3_cors_from_aws_rules(declared(plan, cors)["corsRules"]))
    admin.put_bucket_lifecycle_configuration(
        Bucket=replica, LifecycleConfiguration={"Rules": as_s3_api(declared(plan, "storage-replica-lifecycle")["rules"])}
    )
    everyday = rgw.restricted_user(f"{bucket}-app", json.loads(declared(plan, "storage-app-policy")["policy"]))
    failover = rgw.restricted_user(f"{bucket}-failover", json.loads(declared(plan, "storage-failover-policy")["policy"]))

    # what the stack would export, with RGW's keys and endpoint in place of AWS's
    outputs.update(
        {
            contract.REGION: rgw.server.region,
            contract.ENDPOINT: rgw.endpoint,
            contract.ACCESS_KEY_ID: everyday.key_id,
            contract.SECRET_ACCESS_KEY: everyday.secret,
            contract.FAILOVER_OUTPUTS[contract.ENDPOINT]: rgw.endpoint,
            contract.FAILOVER_OUTPUTS[contract.ACCESS_KEY_ID]: failover.key_id,
            contract.FAILOVER_OUTPUTS[contract.SECRET_ACCESS_KEY]: failover.secret,
        }
    )
    folder = tmp_path_factory.mktemp("failover")
    saved = folder / "outputs.json"
    saved.write_text(json.dumps(outputs))
    env_file = folder / "failover.env"
    assert dotenv_main(["--from-json", str(saved), "--failover", "--output", str(env_file)]) == 0
    [origin] = outputs[contract.CORS_ORIGINS_OUTPUT]
    return Failover(rgw, plan, bucket, replica, everyday, failover, saved, env_file, origin)


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"]


def test_the_failover_env_names_the_replica_and_the_failover_key(stack: Failover) -> None:
    env = dotenv_values(stack.env_file)
    assert env[contract.BUCKET] == stack.replica
    assert env[contract.REGION] == REPLICA_REGION, "the replica's own region, as its outputs say"
    assert (env[contract.ACCESS_KEY_ID], env[contract.SECRET_ACCESS_KEY]) == (stack.failover.key_id, stack.failover.secret)
    assert env[contract.ENDPOINT] == stack.rgw.endpoint


def test_the_validator_passes_every_check_on_the_replica_cors_included(stack: Failover) -> None:
    text, data = validate_text_and_json({}, "--env-file", str(stack.env_file), "--origin", stack.origin)
    assert (text.code, data.code) == (0, 0), text.out
    statuses = data.statuses()
    assert set(statuses.values()) == {"passed"} and len(statuses) == 10, statuses
    assert statuses["cors"] == "passed"
    assert stack.replica in text.out and stack.bucket + " " not in text.out
    assert_told_safely(stack.failover.secret, text, data)


def test_the_failover_key_uploads_and_its_signed_urls_work_on_the_replica(stack: Failover) -> None:
    s3 = stack.as_(stack.failover)
    s3.put_object(Bucket=stack.replica, Key="uploads/failover/a.txt", Body=b"during the outage")
    assert s3.get_object(Bucket=stack.replica, Key="uploads/failover/a.txt")["Body"].read() == b"during the outage"
    # the app's own SDK signs from the failover .env, as the app would after its restart
    key = f"uploads/failover/{secrets.token_hex(4)}.png"
    urls = presign(stack.env_file, key, CONTENT_TYPE)
    assert all(urlsplit(url).path.startswith(f"/{stack.replica}/") for url in urls.values()), urls
    put = urllib.request.Request(urls["put"], data=b"signed", method="PUT", headers={"Content-Type": CONTENT_TYPE})
    with urllib.request.urlopen(put, timeout=10) as reply:
        assert reply.status == 200
    with urllib.request.urlopen(urls["get"], timeout=10) as reply:
        assert reply.read() == b"signed"


def test_the_replicas_cors_answers_the_configured_origin_only(stack: Failover) -> None:
    status, headers, _ = preflight(stack.rgw.endpoint, stack.replica, stack.origin, "PUT")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == stack.origin
    assert "etag" in headers["Access-Control-Expose-Headers"].lower()
    status, headers, _ = preflight(stack.rgw.endpoint, stack.replica, FOREIGN_ORIGIN, "PUT")
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


@pytest.fixture(scope="module")
def browser(stack: Failover) -> Iterator[BrowserJudge]:
    with chromium_judge([urlsplit(stack.origin).hostname]) as (judge, _, _):
        yield judge


def test_the_browser_uploads_to_the_replica_through_the_failover_envs_signed_url(
    stack: Failover, browser: BrowserJudge
) -> None:
    key = f"uploads/failover/browser-{secrets.token_hex(4)}.png"
    body = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(128)
    urls = presign(stack.env_file, key, CONTENT_TYPE)
    seen = browser.visit(stack.origin + "/", urls["put"], urls["get"], CONTENT_TYPE, body)
    assert "rejected" not in seen["put"], (seen["put"], seen["console"])
    assert seen["put"]["status"] == 200 and seen["put"]["etag"]
    assert "rejected" not in seen["get"], (seen["get"], seen["console"])
    assert base64.b64decode(seen["get"]["body"]) == body
    stored = stack.as_(stack.failover).get_object(Bucket=stack.replica, Key=key)
    assert stored["Body"].read() == body and stored["ETag"] == seen["put"]["etag"]


def test_the_everyday_key_is_refused_on_the_replica(stack: Failover) -> None:
    admin = stack.rgw.client()
    admin.put_object(Bucket=stack.replica, Key="uploads/replicated.txt", Body=b"replicated")
    s3 = stack.as_(stack.everyday)
    assert error_code(s3.get_object, Bucket=stack.replica, Key="uploads/replicated.txt") == "AccessDenied"
    assert error_code(s3.put_object, Bucket=stack.replica, Key="uploads/x", Body=b"x") == "AccessDenied"
    assert error_code(s3.list_objects_v2, Bucket=stack.replica) == "AccessDenied"
    assert error_code(s3.delete_object, Bucket=stack.replica, Key="uploads/replicated.txt") == "AccessDenied"
    # ... while it still works on the app bucket: the everyday credential is not widened or narrowed
    s3.put_object(Bucket=stack.bucket, Key="uploads/everyday.txt", Body=b"ok")
    assert s3.get_object(Bucket=stack.bucket, Key="uploads/everyday.txt")["Body"].read() == b"ok"


def test_the_failover_key_is_refused_on_the_app_bucket(stack: Failover) -> None:
    stack.rgw.client().put_object(Bucket=stack.bucket, Key="uploads/primary.txt", Body=b"primary")
    s3 = stack.as_(stack.failover)
    assert error_code(s3.get_object, Bucket=stack.bucket, Key="uploads/primary.txt") == "AccessDenied"
    assert error_code(s3.put_object, Bucket=stack.bucket, Key="uploads/x", Body=b"x") == "AccessDenied"
    assert error_code(s3.list_objects_v2, Bucket=stack.bucket) == "AccessDenied"


def test_the_everyday_env_with_the_replica_outputs_still_points_at_the_app_bucket(stack: Failover, tmp_path: Path) -> None:
    everyday = tmp_path / "app.env"
    assert dotenv_main(["--from-json", str(stack.outputs_file), "--output", str(everyday)]) == 0
    env = dotenv_values(everyday)
    assert (env[contract.BUCKET], env[contract.ACCESS_KEY_ID]) == (stack.bucket, stack.everyday.key_id)
    text, data = validate_text_and_json({}, "--env-file", str(everyday), "--origin", stack.origin)
    assert (text.code, data.code) == (0, 0), text.out


def test_a_refused_failover_key_gets_the_failover_rewrite(stack: Failover, tmp_path: Path) -> None:
    """The validator's fix for a refused key rewrites the same kind of file: `--failover` kept."""
    outputs = json.loads(stack.outputs_file.read_text())
    outputs[contract.FAILOVER_OUTPUTS[contract.ACCESS_KEY_ID]] = "UNKNOWNKEY0000000000"
    saved, env_file = tmp_path / "outputs.json", tmp_path / "failover.env"
    saved.write_text(json.dumps(outputs))
    assert dotenv_main(["--from-json", str(saved), "--failover", "--output", str(env_file)]) == 0
    _, data = validate_text_and_json({}, "--env-file", str(env_file), "--origin", stack.origin)
    error = data.check("connectivity")["error"]
    assert error["class"] == "auth_failed", error
    assert f"`python -m infra.dotenv --from-json {saved} --failover --force --output {env_file}`" in error["fix"]
