#!/usr/bin/env python3
"""Try `python -m infra.validate` locally, without a cloud account, on a throwaway Ceph RGW.

    .venv/bin/python scripts/try_validator.py start DIR       # RGW + the prod stack's bucket + DIR/.env
    .venv/bin/python scripts/try_validator.py break-cors DIR  # remove the bucket's CORS (a hand edit)
    .venv/bin/python scripts/try_validator.py stop DIR        # stop the daemons `start` began

`start` starts RGW (scripts/rgw_cluster.py, the server the test suite uses) under DIR/cluster,
renders the prod stack offline (`infra.offline`, the real program under Pulumi's mocks) and
applies what it declares to a bucket of the same name: versioning, the CORS rule and the
lifecycle rules, exactly as declared, and an app user holding exactly the declared IAM
policy. The public access block is left out: RGW 16.2 wrongly refuses plain uploads under
`BlockPublicAcls` (tests/effect/test_rgw_access.py). Then it writes the outputs the stack would
export (plus this server's STORAGE_S3_ENDPOINT) to DIR/outputs.json and the app's `.env`
from them with `python -m infra.dotenv`, and prints the validator's command. Needs the
Ceph packages (`python3 scripts/rgw_cluster.py install`).
"""

from __future__ import annotations

import json
import secrets
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import rgw_cluster  # noqa: E402

STACK = "prod"
CORS_TYPE = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
LIFECYCLE_TYPE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
POLICY_TYPE = "aws:iam/userPolicy:UserPolicy"
REGION = "us-east-1"
"""What RGW's default zone group takes in a signature."""


def restricted_user(conf: str, iam: Any, uid: str, policy: dict[str, Any]) -> tuple[str, str]:
    """A new RGW user that owns no bucket, may create none, and holds exactly `policy`: (key, secret).

    RGW 16.2 reads a user's policy as "policy OR owner", so the user must own nothing, and
    `radosgw-admin user modify` drops inline policies, so the policy is put last."""
    key = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(20))
    secret = secrets.token_hex(20)
    subprocess.run(
        ["radosgw-admin", "-c", conf, "user", "create", f"--uid={uid}", f"--display-name={uid}",
         f"--access-key={key}", f"--secret-key={secret}", "--max-buckets=-1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    iam.put_user_policy(UserName=uid, PolicyName="app", PolicyDocument=json.dumps(policy))
    return key, secret


def as_s3_api(value: Any) -> Any:
    """Pulumi's declared inputs (camelCase, numbers as floats) in the S3 API's names."""
    if isinstance(value, dict):
        return {("ID" if k == "id" else k[:1].upper() + k[1:]): as_s3_api(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_s3_api(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _client(cluster: dict[str, Any], service: str = "s3", key: str = "", secret: str = "") -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=cluster["endpoint"],
        region_name=REGION,
        aws_access_key_id=key or cluster["admin_key"],
        aws_secret_access_key=secret or cluster["admin_secret"],
        config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required"),
    )


def _cluster(directory: Path) -> dict[str, Any]:
    state = directory / "cluster" / rgw_cluster.STATE_FILE
    if not state.is_file():
        raise SystemExit(f"try_validator: no cluster under {directory}: run `start {directory}` first")
    return json.loads(state.read_text())["cluster"]


def _declared(plan: Any, type_: str) -> dict[str, Any]:
    """The app bucket's resource of `type_` (not the access-log bucket's)."""
    [resource] = [r for r in plan.of_type(type_) if "access-log" not in r.name]
    return resource.inputs


def start(directory: Path) -> int:
    from infra.dotenv.cli import main as write_dotenv
    from infra.guide import contract
    from infra.offline.harness import run_plan

    plan = run_plan(STACK)
    outputs = dict(plan.outputs)
    bucket = outputs[contract.BUCKET]
    cluster = rgw_cluster.start(directory / "cluster")
    try:
        admin = _client(rgw_cluster_dict := _cluster(directory))
        admin.create_bucket(Bucket=bucket)
        admin.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        admin.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": as_s3_api(_declared(plan, CORS_TYPE)["corsRules"])})
        admin.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": as_s3_api(_declared(plan, LIFECYCLE_TYPE)["rules"])}
        )
        policy = json.loads(_declared(plan, POLICY_TYPE)["policy"])
        key, secret = restricted_user(cluster.conf, _client(rgw_cluster_dict, "iam"), f"{bucket}-app", policy)
        outputs.update(
            {
                contract.REGION: REGION,
                contract.ENDPOINT: cluster.endpoint,
                contract.ACCESS_KEY_ID: key,
                contract.SECRET_ACCESS_KEY: secret,
            }
        )
        saved = directory / "outputs.json"
        saved.write_text(json.dumps(outputs))
        saved.chmod(0o600)
        if write_dotenv(["--from-json", str(saved), "--output", str(directory / ".env")]) != 0:
            raise SystemExit("try_validator: writing the .env failed (see above)")
    except BaseException:
        rgw_cluster.stop(directory / "cluster")
        raise
    origins = " ".join(f"--origin {o}" for o in outputs.get(contract.CORS_ORIGINS_OUTPUT, []))
    print(f"RGW on {cluster.endpoint}: bucket {bucket} with the {STACK} stack's versioning, CORS and lifecycle rules;")
    print(f"app user {bucket}-app with the declared policy. Now run:")
    print(f"  .venv/bin/python -m infra.validate --env-file {directory / '.env'} {origins}")
    return 0


def break_cors(directory: Path) -> int:
    from dotenv import dotenv_values

    from infra.guide import contract

    bucket = dotenv_values(directory / ".env")[contract.BUCKET]
    _client(_cluster(directory)).delete_bucket_cors(Bucket=bucket)
    print(f"removed the CORS configuration of {bucket}; the validator's CORS check now fails")
    return 0


def stop(directory: Path) -> int:
    stopped = rgw_cluster.stop(directory / "cluster")
    print("stopped: " + (", ".join(stopped) or "nothing recorded"))
    return 0


COMMANDS = {"start": start, "break-cors": break_cors, "stop": stop}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in COMMANDS:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        return COMMANDS[argv[0]](Path(argv[1]).resolve())
    except rgw_cluster.StartError as error:
        print(f"try_validator: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
