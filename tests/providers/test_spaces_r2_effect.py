"""The Spaces and R2 rules, as declared, have the guide's effect on a real S3 server (moto).

Each stack's declared CORS and lifecycle inputs are translated the way the provider (or
R2's S3 API) expresses them in S3 terms, applied to moto's S3 server, read back, and
compared with the guide's documents; then browsers' CORS preflights are sent to show
the app's origin is allowed and any other origin refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import ABORT_MULTIPART_RULE_ID, LifecyclePolicy
from infra.offline.harness import Plan, run_plan
from infra.providers.access_logging import ACCESS_LOG_PREFIX, LOG_EXPIRY_RULE_ID, access_log_bucket_name
from infra.providers.cloudflare.documents import r2_cors_rule
from tests.support.plans import shipped_plan
from tests.support.policy_support import app_part
from tests.support.s3_documents import (
    s3_cors_configuration,
    s3_cors_from_r2_rules,
    s3_cors_from_spaces_rules,
    s3_lifecycle_configuration,
    s3_lifecycle_from_r2_rules,
    s3_lifecycle_from_spaces_rules,
)
from tests.support.s3_servers import moto_server, preflight

ORIGIN = "https://staging.raptscallions.com"


def spaces_documents(plan: Plan) -> tuple[dict, dict, bool]:
    bucket = app_part(plan).one("digitalocean:index/spacesBucket:SpacesBucket").inputs
    cors = plan.one("digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration").inputs
    return (
        s3_cors_from_spaces_rules(cors["corsRules"]),
        s3_lifecycle_from_spaces_rules(bucket["lifecycleRules"]),
        bucket["versioning"]["enabled"],
    )


def r2_documents(plan: Plan) -> tuple[dict, dict, bool]:
    cors = plan.one("cloudflare:index/r2BucketCors:R2BucketCors").inputs
    lifecycle = plan.one("cloudflare:index/r2BucketLifecycle:R2BucketLifecycle").inputs
    return s3_cors_from_r2_rules(cors["rules"]), s3_lifecycle_from_r2_rules(lifecycle["rules"]), False


CASES: dict[str, tuple[str, Callable[[Plan], tuple[dict, dict, bool]], LifecyclePolicy, CorsRule]] = {
    "spaces": ("spaces-staging", spaces_documents, LifecyclePolicy(), CorsRule((ORIGIN,))),
    "r2": ("staging", r2_documents, LifecyclePolicy(noncurrent_version_days=None), r2_cors_rule(CorsRule((ORIGIN,)))),
}
"""Stack, its documents, the guide's lifecycle policy and CORS rule as the provider renders them."""


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server(enforce_iam=False) as server:
        yield server.endpoint


@pytest.fixture(scope="module")
def s3(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def by_id(rules: list[dict]) -> dict[str, dict]:
    """Rules keyed by ID, with the guide's `{}` whole-bucket filter spelled as S3 returns it."""
    return {rule["ID"]: {**rule, "Filter": rule.get("Filter") or {"Prefix": ""}} for rule in rules}


@pytest.fixture(scope="module", params=sorted(CASES))
def applied(request: pytest.FixtureRequest, s3: Any) -> tuple[str, dict, dict, LifecyclePolicy, CorsRule]:
    """The stack's declared rules applied to a fresh bucket of the same name on moto."""
    stack, documents, policy, rule = CASES[request.param]
    plan = shipped_plan(stack)
    bucket = plan.outputs["STORAGE_S3_BUCKET"]
    cors, lifecycle, versioned = documents(plan)
    s3.create_bucket(Bucket=bucket)
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=cors)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=lifecycle)
    return bucket, cors, lifecycle, policy, rule


def test_server_stores_the_guides_cors_rule(applied: tuple, s3: Any) -> None:
    bucket, _, _, _, rule = applied
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == s3_cors_configuration(rule)["CORSRules"]


def test_server_stores_the_guides_lifecycle_rules(applied: tuple, s3: Any) -> None:
    bucket, _, _, policy, _ = applied
    stored = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert by_id(stored) == by_id(s3_lifecycle_configuration(policy)["Rules"])


@pytest.mark.parametrize("method", ["PUT", "GET", "HEAD"])
def test_browser_preflight_from_the_app_origin_is_allowed(applied: tuple, endpoint: str, method: str) -> None:
    status, headers, _ = preflight(endpoint, applied[0], ORIGIN, method)
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert method in [m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")]
    assert headers["Access-Control-Expose-Headers"] == "ETag, Content-Length"


def test_browser_preflight_from_another_origin_is_refused(applied: tuple, endpoint: str) -> None:
    status, _, body = preflight(endpoint, applied[0], "https://evil.example.com", "PUT")
    assert status == 403
    assert "CORS request is not allowed" in body


def test_server_stores_the_log_spaces_expiry_under_the_log_prefix_only(s3: Any) -> None:
    """The log Space's rules as the provider puts them: log files expire after `accessLogDays`
    under the log prefix, uploads are aborted, and no rule covers the whole Space's objects."""
    plan = run_plan("spaces-staging", config_overrides={"accessLogDays": "45"})
    name = access_log_bucket_name(plan.outputs["STORAGE_S3_BUCKET"])
    [log_space] = [r for r in plan.of_type("digitalocean:index/spacesBucket:SpacesBucket") if r.inputs["name"] == name]
    s3.create_bucket(Bucket=name)
    s3.put_bucket_lifecycle_configuration(
        Bucket=name, LifecycleConfiguration=s3_lifecycle_from_spaces_rules(log_space.inputs["lifecycleRules"])
    )
    stored = by_id(s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"])
    assert set(stored) == {LOG_EXPIRY_RULE_ID, ABORT_MULTIPART_RULE_ID}
    assert stored[LOG_EXPIRY_RULE_ID]["Filter"] == {"Prefix": ACCESS_LOG_PREFIX}
    assert stored[LOG_EXPIRY_RULE_ID]["Expiration"] == {"Days": 45}
    assert stored[ABORT_MULTIPART_RULE_ID]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": LifecyclePolicy().abort_multipart_days
    }
    assert "Expiration" not in stored[ABORT_MULTIPART_RULE_ID]
