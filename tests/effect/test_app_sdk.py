"""The `.env` this package writes, judged by the app's own SDK (AWS SDK for JavaScript v3, 3.970.0).

For each shipped stack: `infra.dotenv` writes the `.env` from the offline plan's outputs, the
app's client presigns GET and PUT from it (tests/js/presign.js), and the URLs must carry no
baked checksum; without the two SDK settings they do (so this test can fail). Then a signed
PUT made the app's way uploads with plain HTTP to LocalStack and the bytes are read back.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from infra.guide import contract
from infra.guide.permissions import app_policy_document
from tests.support.app_sdk import checksum_query, presign, without_sdk_settings, write_env
from tests.support.plans import SHIPPED_STACKS, shipped_plan
from tests.support.s3_servers import Credential, Server, empty_and_delete_bucket, unique_bucket

KEY = "uploads/u1/avatar.txt"
CONTENT_TYPE = "text/plain"
EMPTY_CRC32 = "AAAAAA=="


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_apps_signed_urls_carry_no_checksum_with_our_env(stack: str, tmp_path: Path) -> None:
    outputs = shipped_plan(stack).outputs
    env_file = write_env(tmp_path, outputs)
    urls = presign(env_file, KEY, CONTENT_TYPE)
    assert checksum_query(urls["put"]) == {}, urls["put"]
    assert checksum_query(urls["get"]) == {}, urls["get"]
    endpoint = outputs.get(contract.ENDPOINT)
    bucket = outputs[contract.BUCKET]
    for url in urls.values():
        parts = urlsplit(url)
        if endpoint:  # forcePathStyle on the provider's endpoint
            assert f"{parts.scheme}://{parts.netloc}" == endpoint and parts.path == f"/{bucket}/{KEY}"
        else:  # AWS: virtual-hosted, as the guide says
            assert parts.netloc == f"{bucket}.s3.{outputs[contract.REGION]}.amazonaws.com" and parts.path == f"/{KEY}"

    bare = presign(without_sdk_settings(env_file), KEY, CONTENT_TYPE)
    assert checksum_query(bare["put"]) == {"x-amz-checksum-crc32": EMPTY_CRC32, "x-amz-sdk-checksum-algorithm": "CRC32"}
    assert checksum_query(bare["get"]) == {"x-amz-checksum-mode": "ENABLED"}


@pytest.fixture(scope="module")
def server(localstack_server: Server) -> Iterator[tuple[Server, Credential]]:
    yield localstack_server, localstack_server.iam_user("app-sdk", app_policy_document("*"))


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_an_upload_through_the_apps_signed_put_reads_back(
    stack: str, server: tuple[Server, Credential], tmp_path: Path
) -> None:
    """The stack's .env with the bucket, key and endpoint pointed at LocalStack: PUT and GET as a browser would."""
    local, app = server
    bucket = unique_bucket("app-sdk")
    admin = local.client("s3")
    admin.create_bucket(Bucket=bucket)
    try:
        outputs = {
            **shipped_plan(stack).outputs,
            contract.BUCKET: bucket,
            contract.REGION: local.region,
            contract.ENDPOINT: local.endpoint,
            contract.ACCESS_KEY_ID: app.key_id,
            contract.SECRET_ACCESS_KEY: app.secret,
        }
        urls = presign(write_env(tmp_path, outputs), KEY, CONTENT_TYPE)
        body = f"uploaded the app's way to {stack}\n".encode()
        put = urllib.request.Request(urls["put"], data=body, method="PUT", headers={"Content-Type": CONTENT_TYPE})
        with urllib.request.urlopen(put, timeout=30) as reply:
            assert reply.status == 200
        with urllib.request.urlopen(urls["get"], timeout=30) as reply:
            assert reply.read() == body
        stored = admin.get_object(Bucket=bucket, Key=KEY)
        assert stored["Body"].read() == body and stored["ContentType"] == CONTENT_TYPE
    finally:
        empty_and_delete_bucket(admin, bucket)
