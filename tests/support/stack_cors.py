"""Each shipped stack's CORS rules as its provider puts them on S3, to apply to a real S3 engine.

The declared inputs are read from the stack's offline plan and translated the way the
provider (or the provider's own S3 API, for R2 and B2) expresses them as an S3
`CORSConfiguration`; the translations live with their providers (infra/providers/*/documents.py,
backblaze/rules.py). RGW given that document answers preflights as the provider would for
the same rules, which is what the RGW and browser tests judge.
"""

from __future__ import annotations

import json
from typing import Any

from infra import PROJECT
from infra.guide import contract
from infra.offline.harness import Plan
from infra.offline.stack_files import stack_config
from tests.support.plans import shipped_plan
from tests.support.policy_support import app_part
from tests.support.s3_documents import (
    s3_cors_from_aws_rules,
    s3_cors_from_b2_rules,
    s3_cors_from_r2_rules,
    s3_cors_from_spaces_rules,
)

AWS_CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
SPACES_CORS = "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration"
R2_CORS = "cloudflare:index/r2BucketCors:R2BucketCors"
B2_BUCKET = "pulumi-python:dynamic/backblaze:Bucket"


def _b2_app_bucket(plan: Plan) -> dict[str, Any]:
    """The B2 bucket the app uses (a replica, when declared, is another Bucket without CORS)."""
    name = plan.outputs[contract.BUCKET]
    [bucket] = [r for r in plan.resources if r.type == B2_BUCKET and r.inputs.get("bucketName") == name]
    return bucket.inputs


def declared_cors(plan: Plan) -> dict[str, Any]:
    """The S3 `CORSConfiguration` the plan's provider puts on the app bucket."""
    types = {r.type for r in plan.resources}
    if AWS_CORS in types:
        return s3_cors_from_aws_rules(app_part(plan).one(AWS_CORS).inputs["corsRules"])
    if SPACES_CORS in types:
        return s3_cors_from_spaces_rules(plan.one(SPACES_CORS).inputs["corsRules"])
    if R2_CORS in types:
        return s3_cors_from_r2_rules(plan.one(R2_CORS).inputs["rules"])
    if B2_BUCKET in types:
        return s3_cors_from_b2_rules(_b2_app_bucket(plan)["corsRules"])
    raise AssertionError(f"no CORS resource this module knows in {sorted(types)}")


def rendered_cors(stack: str) -> dict[str, Any]:
    """The CORS document the shipped stack's provider sends (see `declared_cors`)."""
    return declared_cors(shipped_plan(stack))


def configured_origin(stack: str) -> str:
    """The first origin the stack file configures: where the app's pages are served from.

    Read from `Pulumi.<stack>.yaml`, not from the plan, so a rendering that changes the origin
    (say, adds a trailing slash) is judged against what the user wrote and the browser sends."""
    config, _ = stack_config(stack)
    return json.loads(config[f"{PROJECT}:corsAllowedOrigins"])[0]
