"""S3 servers for the validator's tests, on 127.0.0.1, started and stopped by the tests.

Two servers, each faithful where the other is not:
- moto (its own process) with IAM enforcement: credentials and policies have real effect. It does not evaluate CORS rules, and a signed URL fails
  there while IAM enforcement is on.
- LocalStack (its own Python >= 3.12 virtualenv, see scripts/localstack_venv.py) with
  S3_SKIP_SIGNATURE_VALIDATION=0: CORS preflights evaluated exactly; tampered, expired,
  wrong-secret and wrong-content-type signed URLs refused. Any header-signed credential
  is accepted, so it cannot judge permissions.

Set VALIDATE_S3_ENDPOINT (+ VALIDATE_S3_ACCESS_KEY_ID, VALIDATE_S3_SECRET_ACCESS_KEY,
optional VALIDATE_S3_REGION) to run the LocalStack tests against another server
instead — MinIO, or a real account: the credentials must be allowed to create and
delete buckets; the tests create uniquely named buckets and remove only those.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.support.local_servers import free_port, stop_process, wait_until_up

REGION = "us-east-1"
ADMIN_CONFIG = Config(
    signature_version="s3v4",
    s3={"addressing_style": "path"},
    retries={"total_max_attempts": 1},
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
)
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Credential:
    key_id: str
    secret: str


@dataclass(frozen=True)
class Server:
    """A running S3 server: where, and a credential that may administer it."""

    endpoint: str
    admin: Credential
    region: str = REGION

    def client(self, service: str, credential: Credential | None = None) -> Any:
        credential = credential or self.admin
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=credential.key_id,
            aws_secret_access_key=credential.secret,
            config=ADMIN_CONFIG,
        )

    def iam_user(self, name: str, policy: dict[str, Any]) -> Credential:
        """A new IAM user holding exactly `policy`, and its access key."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="policy", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return Credential(key["AccessKeyId"], key["SecretAccessKey"])


def unique_bucket(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:10]}"


@contextlib.contextmanager
def moto_server(enforce_iam: bool = True) -> Iterator[Server]:
    """moto's S3/IAM server in its own process on 127.0.0.1, stopped by its PID afterwards.

    With `enforce_iam`, moto enforces IAM on every request after the first 3, which make an
    allow-all user `admin` and its key: credentials and policies have real effect. Without,
    any credential is accepted."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    if enforce_iam:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{endpoint}/moto-api/")
        bootstrap = Server(endpoint, Credential("bootstrap", "bootstrap"))
        yield Server(endpoint, bootstrap.iam_user("admin", ADMIN_POLICY)) if enforce_iam else bootstrap
    finally:
        stop_process(process, timeout=10)


def localstack_python() -> str | None:
    from scripts.localstack_venv import existing_python

    python = existing_python()
    return str(python) if python else None


@contextlib.contextmanager
def localstack() -> Iterator[Server]:
    """LocalStack's S3 and IAM on a free 127.0.0.1 port; fails with the fix when unavailable (the suite skips nothing)."""
    python = localstack_python()
    if python is None:
        pytest.fail(
            "LocalStack not available: needs Python >= 3.12 and its venv "
            "(run `python3 scripts/localstack_venv.py`, as `make test` does)",
            pytrace=False,
        )
    port = free_port()
    root = tempfile.mkdtemp(prefix="localstack-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LOCALSTACK_"))}
    env.update(
        GATEWAY_LISTEN=f"127.0.0.1:{port}",
        SERVICES="s3,iam",
        S3_SKIP_SIGNATURE_VALIDATION="0",
        FILESYSTEM_ROOT=root,
        SKIP_SSL_CERT_DOWNLOAD="1",
        DNS_ADDRESS="0",
        DISABLE_EVENTS="1",
    )
    log = open(os.path.join(root, "localstack.log"), "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [python, "-m", "localstack.runtime.main"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for_localstack(endpoint, process, os.path.join(root, "localstack.log"))
        yield Server(endpoint, Credential("test", "test"))
    finally:
        stop_process(process, timeout=15)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_localstack(endpoint: str, process: subprocess.Popen, log_path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(log_path) as log:
                raise RuntimeError(f"LocalStack exited with {process.returncode}:\n{log.read()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=2) as reply:
                services = json.load(reply).get("services", {})
            if services.get("s3") in ("available", "running"):
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("LocalStack did not come up within 60s")


def external_server() -> Server | None:
    """The server named by VALIDATE_S3_* variables, if any."""
    endpoint = os.environ.get("VALIDATE_S3_ENDPOINT")
    if not endpoint:
        return None
    return Server(
        endpoint.rstrip("/"),
        Credential(os.environ["VALIDATE_S3_ACCESS_KEY_ID"], os.environ["VALIDATE_S3_SECRET_ACCESS_KEY"]),
        os.environ.get("VALIDATE_S3_REGION", REGION),
    )


def empty_and_delete_bucket(s3: Any, bucket: str) -> None:
    """Remove a bucket the test created, every version included."""
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=bucket)


def snapshot(s3: Any, bucket: str) -> dict[tuple[str, str], tuple[str, bool, bytes | None]]:
    """Every version and delete marker in the bucket, with the bytes of each version."""
    state: dict[tuple[str, str], tuple[str, bool, bytes | None]] = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []):
            body = s3.get_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])["Body"].read()
            state[(item["Key"], item["VersionId"])] = (item["ETag"], item["IsLatest"], body)
        for item in page.get("DeleteMarkers", []):
            state[(item["Key"], item["VersionId"])] = ("delete-marker", item["IsLatest"], None)
    return state


def preflight(endpoint: str, bucket: str, origin: str, method: str) -> tuple[int, dict[str, str], str]:
    """A browser's CORS preflight for an upload to `bucket`: status, headers, body."""
    request = urllib.request.Request(
        f"{endpoint}/{bucket}/uploads/photo.jpg",
        method="OPTIONS",
        headers={"Origin": origin, "Access-Control-Request-Method": method},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
