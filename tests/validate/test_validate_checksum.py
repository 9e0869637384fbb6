"""The validator's signed PUT as the app's SDK makes it: with and without the checksum settings.

Against LocalStack (which ignores a checksum in a signed URL, as AWS does) and a small proxy
in front of it that refuses a body not matching a signed `x-amz-checksum-crc32`, as R2 does
(tests/support/checksum_proxy.py). The botocore-made URL is compared with the JS SDK's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra.guide import contract
from infra.guide.permissions import app_policy_document
from infra.guide.troubleshooting import TROUBLESHOOTING, ErrorClass
from infra.validate.app_sdk_url import app_sdk_put_url
from infra.validate.client import s3_client
from infra.validate.config import Target
from tests.support.app_sdk import checksum_query, presign
from tests.support.checksum_proxy import checksum_enforcing_proxy
from tests.support.plans import shipped_plan
from tests.support.s3_servers import Credential, Server, empty_and_delete_bucket, unique_bucket
from tests.support.validate_run import assert_told_safely, storage_env, validate

SETTINGS = {v.name: contract.CHECKSUM_WHEN_REQUIRED for v in contract.SDK_VARIABLES}
ONLY_SIGNED_URLS = ("--skip", "least-privilege", "--skip", "cors")


@dataclass(frozen=True)
class Bench:
    server: Server
    app: Credential
    proxy: Server
    refused: list[str]


@pytest.fixture(scope="module")
def bench(localstack_server: Server) -> Iterator[Bench]:
    server = localstack_server
    with checksum_enforcing_proxy(server.endpoint) as (endpoint, refused):
        app = server.iam_user("checksum-app", app_policy_document("*"))
        yield Bench(server, app, Server(endpoint, server.admin), refused)


@pytest.fixture()
def bucket(bench: Bench) -> Iterator[str]:
    name = unique_bucket("checksum")
    s3 = bench.server.client("s3")
    s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(s3, name)


def test_without_the_settings_a_checksum_checking_provider_fails_with_the_cause_named(bench: Bench, bucket: str) -> None:
    run = validate(storage_env(bench.proxy, bucket, bench.app), "--json", *ONLY_SIGNED_URLS)
    assert run.code == 1
    check = run.check("signed-url-put")
    assert check["status"] == "failed"
    assert check["error"]["class"] == ErrorClass.BAKED_CHECKSUM.value == "baked_checksum"
    message = check["error"]["message"]
    assert "AWS_REQUEST_CHECKSUM_CALCULATION is unset" in message and "BadDigest" in message
    assert "AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED" in message
    assert check["error"]["fix"] == TROUBLESHOOTING[ErrorClass.BAKED_CHECKSUM].fix
    assert any("signed-put-app-sdk" in path for path in bench.refused), "refused for the baked checksum"
    assert {c["id"]: c["status"] for c in run.report["checks"]}["delete"] == "passed", "probes still removed"
    assert bench.server.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    text = validate(storage_env(bench.proxy, bucket, bench.app), *ONLY_SIGNED_URLS)
    printed = " ".join(text.out.replace("│", " ").replace("║", " ").split())
    assert "Fix: Set AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED and AWS_RESPONSE_CHECKSUM_VALIDATION=WHEN_REQUIRED" in printed
    assert "signs x-amz-checksum-crc32=AAAAAA== (the CRC32 of nothing)" in printed
    assert_told_safely(bench.app.secret, run, text)


def test_with_the_settings_the_same_provider_passes(bench: Bench, bucket: str) -> None:
    refused_before = len(bench.refused)
    run = validate(storage_env(bench.proxy, bucket, bench.app, **SETTINGS), "--json", *ONLY_SIGNED_URLS)
    assert run.code == 0, run.out
    assert run.check("signed-url-put")["status"] == "passed"
    assert "as the app's SDK signs it" in run.check("signed-url-put")["detail"]
    assert len(bench.refused) == refused_before, "no baked checksum was sent"


def test_a_provider_ignoring_the_checksum_passes_with_a_note(bench: Bench, bucket: str) -> None:
    run = validate(storage_env(bench.server, bucket, bench.app), "--json", *ONLY_SIGNED_URLS)
    assert run.code == 0, run.out
    check = run.check("signed-url-put")
    assert check["status"] == "passed"
    assert any("this provider ignored it, others (R2) refuse it" in note for note in check["notes"])


def test_a_value_the_sdk_would_refuse_is_a_configuration_problem(bench: Bench, bucket: str) -> None:
    env = storage_env(bench.server, bucket, bench.app, AWS_REQUEST_CHECKSUM_CALCULATION="when-required")
    run = validate(env, "--json")
    assert run.code == 2
    assert "AWS_REQUEST_CHECKSUM_CALCULATION is 'when-required'" in run.check("configuration")["error"]["message"]


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_the_validators_app_url_has_the_js_sdks_checksum_query(stack: str, tmp_path: Path) -> None:
    """Same checksum parameters, same values, in the signed query (not signed headers) as the app's SDK."""
    from infra.dotenv.cli import main as dotenv_main

    outputs = {k: v for k, v in shipped_plan(stack).outputs.items() if not k.startswith("AWS_")}
    (tmp_path / "outputs.json").write_text(json.dumps(outputs))
    env_file = tmp_path / ".env"
    assert dotenv_main(["--from-json", str(tmp_path / "outputs.json"), "--output", str(env_file)]) == 0
    bare = env_file.with_name("bare.env")
    bare.write_text("".join(line for line in env_file.read_text().splitlines(True) if not line.startswith("AWS_")))
    js = presign(bare, "k/probe.txt", "text/plain")["put"]

    target = Target(
        bucket=outputs[contract.BUCKET],
        region=outputs[contract.REGION],
        access_key_id=outputs[contract.ACCESS_KEY_ID],
        secret_access_key=outputs[contract.SECRET_ACCESS_KEY],
        endpoint=outputs.get(contract.ENDPOINT),
        signed_url_expiration=900,
        origins=(),
    )
    ours = app_sdk_put_url(s3_client(target, 5), target.bucket, "k/probe.txt", "text/plain", 900)
    assert checksum_query(ours) == checksum_query(js) == {
        "x-amz-checksum-crc32": "AAAAAA==",
        "x-amz-sdk-checksum-algorithm": "CRC32",
    }
    signed_headers = dict(p.split("=", 1) for p in ours.split("?", 1)[1].split("&"))["X-Amz-SignedHeaders"]
    assert "checksum" not in signed_headers, "in the query, as the JS presigner puts them, not in signed headers"
