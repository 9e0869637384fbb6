"""Benchmark: the validator's wall time against the same raw boto3 requests, and its cold start.

Runs against moto's S3 server on 127.0.0.1 (no IAM enforcement, so signed URLs work),
started here and stopped at the end; `--endpoint` points it at another server instead
(with `--key-id`/`--secret`, and a bucket this credential may create).

- overhead ratio: median in-process `runner.run()` (all ten checks, client set-up
  included) over the median of the identical request sequence written as plain boto3
  + http.client calls, with a fresh client each time on both sides;
- cold start: median wall time of a fresh `python -m infra.validate --json` process,
  split into the time inside the checks (from its JSON) and everything else
  (interpreter, imports, report), beside a bare `python -c pass`.

Run: `.venv/bin/python benchmarks/validate_bench.py [--runs N]`. Not a test: prints numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.guide import contract, cors  # noqa: E402
from infra.validate import inputs, plain_http, runner  # noqa: E402
from infra.validate.checks import FOREIGN_ORIGIN  # noqa: E402

ORIGIN = "https://app.example.com"


def raw_sequence(endpoint: str, bucket: str, key_id: str, secret: str) -> None:
    """Exactly the validator's requests, with no checks, classification or report."""
    import botocore.session
    from botocore.config import Config

    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"total_max_attempts": 1},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    s3 = botocore.session.Session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=config,
    )
    prefix = f"raptscallions-validate/{uuid.uuid4().hex}/"
    up, signed = prefix + "upload.txt", prefix + "signed-put.txt"
    s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
    s3.put_object(Bucket=bucket, Key=up, Body=b"probe", ContentType="text/plain; charset=utf-8")
    s3.get_object(Bucket=bucket, Key=up)["Body"].read()
    plain_http.request("GET", s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": up}), timeout=30)
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": signed, "ContentType": "text/plain"})
    plain_http.request("PUT", url, headers={"Content-Type": "text/plain"}, body=b"probe", timeout=30)
    s3.get_object(Bucket=bucket, Key=signed)["Body"].read()
    for key in (up, signed):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    for key in (up, signed):
        with contextlib.suppress(Exception):  # 404 expected
            s3.head_object(Bucket=bucket, Key=key)
    target = plain_http.without_query(
        s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": prefix + "c"})
    )
    for origin, methods in ((ORIGIN, cors.APP_METHODS), (FOREIGN_ORIGIN, ("PUT",))):
        for method in methods:
            plain_http.request(
                "OPTIONS", target, headers={"Origin": origin, "Access-Control-Request-Method": method}, timeout=30
            )
    for call in (
        lambda: s3.list_buckets(),
        lambda: s3.get_bucket_policy(Bucket=bucket),
        lambda: s3.get_bucket_cors(Bucket=bucket),
        lambda: s3.get_bucket_acl(Bucket=bucket),
    ):
        with contextlib.suppress(Exception):  # refusals expected on a least-privilege key
            call()


def median_seconds(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--endpoint")
    parser.add_argument("--key-id", default="bench")
    parser.add_argument("--secret", default="bench-secret-not-real")
    args = parser.parse_args()

    server = None
    endpoint = args.endpoint
    if endpoint is None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
    try:
        import boto3

        bucket = f"bench-{uuid.uuid4().hex[:10]}"
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=args.key_id,
            aws_secret_access_key=args.secret,
        ).create_bucket(Bucket=bucket)
        env = {
            contract.BACKEND: "s3",
            contract.BUCKET: bucket,
            contract.REGION: "us-east-1",
            contract.ACCESS_KEY_ID: args.key_id,
            contract.SECRET_ACCESS_KEY: args.secret,
            contract.ENDPOINT: endpoint,
        }
        loaded = inputs.with_origins(inputs.from_environment(env), (ORIGIN,))
        runner.run(loaded)  # warm both paths' imports and the server
        raw_sequence(endpoint, bucket, args.key_id, args.secret)
        validator = median_seconds(lambda: runner.run(loaded), args.runs)
        raw = median_seconds(lambda: raw_sequence(endpoint, bucket, args.key_id, args.secret), args.runs)

        process_env = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_", "AWS_"))}
        process_env.update(env)
        walls, inside = [], []
        for _ in range(max(3, args.runs // 3)):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "infra.validate", "--json", "--origin", ORIGIN],
                cwd=ROOT,
                env=process_env,
                capture_output=True,
                text=True,
            )
            walls.append(time.perf_counter() - start)
            inside.append(json.loads(done.stdout)["durationMs"] / 1000)
        floor = median_seconds(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5)
    finally:
        if server is not None:
            server.stop()

    wall, checks = statistics.median(walls), statistics.median(inside)
    print(f"{'what':<44} {'median s':>9}")
    print(f"{'raw boto3 request sequence (in process)':<44} {raw:>9.4f}")
    print(f"{'validator, all 10 checks (in process)':<44} {validator:>9.4f}   overhead x{validator / raw:.2f}")
    print(f"{'python -m infra.validate --json (process)':<44} {wall:>9.4f}")
    print(f"{'  of which inside the checks':<44} {checks:>9.4f}")
    print(f"{'  cold start (interpreter, imports, report)':<44} {wall - checks:>9.4f}")
    print(f"{'floor: python -c pass':<44} {floor:>9.4f}")
    print(f"({args.runs} runs, Python {sys.version.split()[0]}, {os.cpu_count()} cores, server {endpoint})")


if __name__ == "__main__":
    main()
