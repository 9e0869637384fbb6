"""Write a stack's offline plan as Terraform JSON (`main.tf.json`), for scanners that read only
Terraform, such as Checkov: `python scripts/plan_to_terraform.py --stack prod --out /tmp/tf`,
then `checkov -d /tmp/tf --framework terraform` (Checkov in its own venv; it is not a project
requirement).

Mapping: each AWS resource of the plan becomes the Terraform resource of the same AWS API
(`aws:s3/bucketLogging:BucketLogging` -> `aws_s3_bucket_logging`), its inputs renamed from
camelCase to snake_case, nested objects written as Terraform blocks (lists of objects), and
every input fed by another resource's output (the plan's property dependencies) written as a
reference (`${aws_s3_bucket.storage-bucket.id}`, `.arn`, `.name`) so graph checks connect a
bucket to its configuration. `protect` becomes `lifecycle { prevent_destroy = true }`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.offline.harness import DeclaredResource, run_plan  # noqa: E402

TERRAFORM_TYPES = {
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:s3/bucketVersioning:BucketVersioning": "aws_s3_bucket_versioning",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "aws_s3_bucket_public_access_block",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "aws_s3_bucket_ownership_controls",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "aws_s3_bucket_server_side_encryption_configuration",
    "aws:s3/bucketPolicy:BucketPolicy": "aws_s3_bucket_policy",
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": "aws_s3_bucket_cors_configuration",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "aws_s3_bucket_lifecycle_configuration",
    "aws:s3/bucketLogging:BucketLogging": "aws_s3_bucket_logging",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
    "aws:iam/user:User": "aws_iam_user",
    "aws:iam/userPolicy:UserPolicy": "aws_iam_user_policy",
    "aws:iam/accessKey:AccessKey": "aws_iam_access_key",
    "aws:iam/role:Role": "aws_iam_role",
    "aws:iam/rolePolicy:RolePolicy": "aws_iam_role_policy",
    "aws:secretsmanager/secret:Secret": "aws_secretsmanager_secret",
}
JSON_DOCUMENTS = {"policy", "assume_role_policy"}
"""Inputs that hold a JSON document: kept as a string, as Terraform takes them."""
REFERENCE_ATTRIBUTE = {"bucket": "id", "target_bucket": "id", "role": "arn", "user": "name"}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def to_blocks(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake(k): to_blocks(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [to_blocks(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire carries numbers as floats; Terraform's day counts are integers
    return value


def block_lists(value: Any) -> Any:
    """Terraform JSON writes nested blocks as lists of objects."""
    if isinstance(value, dict):
        return {k: ([block_lists(v)] if isinstance(v, dict) and k != "tags" else block_lists(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [block_lists(item) for item in value]
    return value


def terraform_resource(resource: DeclaredResource, addresses: dict[str, str]) -> dict[str, Any]:
    body = {}
    for key, value in resource.inputs.items():
        name = snake(key)
        sources = [addresses[u] for u in resource.property_dependencies.get(key, ()) if u in addresses]
        if name in REFERENCE_ATTRIBUTE and sources:
            body[name] = f"${{{sources[0]}.{REFERENCE_ATTRIBUTE[name]}}}"
        elif name in JSON_DOCUMENTS:
            body[name] = value if isinstance(value, str) else json.dumps(value)
        else:
            body[name] = block_lists(to_blocks(value))
    if resource.type == "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
        for rule in body.get("rule", body.pop("rules", [])):
            destinations = rule.get("destination") or []
            for destination in destinations:
                bucket_sources = [addresses[u] for u in resource.property_dependencies.get("rules", ()) if addresses.get(u, "").startswith("aws_s3_bucket.")]
                if bucket_sources:
                    destination["bucket"] = f"${{{bucket_sources[0]}.arn}}"
        body["rule"] = body.pop("rule", None) or []
    for plural, singular in (("rules", "rule"), ("cors_rules", "cors_rule")):
        if plural in body:
            body[singular] = body.pop(plural)
    if resource.protect:
        body["lifecycle"] = [{"prevent_destroy": True}]
    return body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a config override, e.g. awsReplicaRegion=us-west-2")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    plan = run_plan(args.stack, config_overrides=overrides or None)
    if plan.error:
        print(plan.error, file=sys.stderr)
        return 1
    resources = [r for r in plan.resources if r.type in TERRAFORM_TYPES]
    addresses = {r.urn: f"{TERRAFORM_TYPES[r.type]}.{r.name}" for r in resources}
    document: dict[str, dict[str, dict[str, Any]]] = {}
    for resource in resources:
        document.setdefault(TERRAFORM_TYPES[resource.type], {})[resource.name] = terraform_resource(resource, addresses)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "main.tf.json"
    target.write_text(json.dumps({"resource": document}, indent=2) + "\n")
    skipped = sorted({r.type for r in plan.resources if r.custom and r.type not in TERRAFORM_TYPES})
    print(f"wrote {target}: {len(resources)} resources" + (f"; not mapped: {', '.join(skipped)}" if skipped else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
