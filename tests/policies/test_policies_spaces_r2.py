"""The policy pack on DigitalOcean Spaces and Cloudflare R2 stacks: compliant as shipped,
and the exact violation for each broken variant."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.offline.harness import run_plan
from tests.support.plans import shipped_plan
from tests.support.policy_support import add, edit, only, violations

SPACES = "spaces-staging"
R2 = "staging"
SPACES_BUCKET = "digitalocean:index/spacesBucket:SpacesBucket"
SPACES_CORS = "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration"
SPACES_KEY = "digitalocean:index/spacesKey:SpacesKey"
R2_BUCKET = "cloudflare:index/r2Bucket:R2Bucket"
R2_CORS = "cloudflare:index/r2BucketCors:R2BucketCors"
R2_LIFECYCLE = "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle"
R2_TOKEN = "cloudflare:index/accountToken:AccountToken"


@pytest.mark.parametrize("stack", [SPACES, R2])
def test_shipped_stacks_are_compliant(stack: str) -> None:
    assert violations(shipped_plan(stack)) == {}


def test_r2_versioning_is_reported_not_applicable_not_violated() -> None:
    from infra.offline.policy_check import analyze_stack_request, in_process_analyzer

    response = in_process_analyzer().AnalyzeStack(analyze_stack_request(shipped_plan(R2)), None)
    reasons = {n.policy_name: n.reason for n in response.not_applicable}
    assert "no object versioning" in reasons["storage-versioning"]
    assert "storage-tls-only" in reasons and "storage-encryption-at-rest" in reasons


@pytest.mark.parametrize(
    ("stack", "overrides", "policy"),
    [
        (SPACES, {"softDeleteDays": "45"}, "storage-lifecycle-soft-delete"),
        (SPACES, {"abortIncompleteMultipartDays": "9"}, "storage-lifecycle-abort-multipart"),
        (SPACES, {"versioning": "false"}, "storage-versioning"),
        (SPACES, {"corsAllowedMethods": ["GET", "POST"]}, "storage-cors-methods"),
        (SPACES, {"protect": "false", "environment": "production"}, "storage-bucket-protected"),
        (R2, {"softDeleteDays": "31"}, "storage-lifecycle-soft-delete"),
        (R2, {"abortIncompleteMultipartDays": "8"}, "storage-lifecycle-abort-multipart"),
        (R2, {"protect": "false", "environment": "prod"}, "storage-bucket-protected"),
    ],
)
def test_settings_that_break_a_rule(stack: str, overrides: dict[str, Any], policy: str) -> None:
    plan = run_plan(stack, config_overrides=overrides)
    assert plan.error is None, plan.error
    only(violations(plan), policy)


def test_spaces_public_acl_and_origin_wildcard() -> None:
    plan = shipped_plan(SPACES)
    public = edit(plan, SPACES_BUCKET, lambda inputs: inputs.update(acl="public-read"))
    assert "'public-read' is not private" in only(violations(public), "storage-no-public-access")[0]

    def star(inputs: dict[str, Any]) -> None:
        inputs["corsRules"][0]["allowedOrigins"] = ["*"]

    only(violations(edit(plan, SPACES_CORS, star)), "storage-cors-origins")


@pytest.mark.parametrize(
    ("grants", "expected"),
    [
        ([{"permission": "fullaccess", "bucket": "raptscallions-staging-spaces"}], "'fullaccess' is broader"),
        ([{"permission": "readwrite", "bucket": "someone-elses-space"}], "not this stack's bucket"),
        ([{"permission": "readwrite", "bucket": ""}], "every Space"),
        ([], "no grants"),
    ],
)
def test_spaces_key_least_privilege(grants: list[dict[str, str]], expected: str) -> None:
    plan = edit(shipped_plan(SPACES), SPACES_KEY, lambda inputs: inputs.update(grants=grants))
    messages = only(violations(plan), "storage-credential-least-privilege")
    assert any(expected in m for m in messages), messages


def set_token_policy(**fields: Any):
    def change(inputs: dict[str, Any]) -> None:
        inputs["policies"][0].update(fields)

    return change


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"resources": json.dumps({"com.cloudflare.api.account.0123456789abcdef0123456789abcdef": "*"})}, "not a single R2 bucket"),
        ({"resources": json.dumps({"com.cloudflare.edge.r2.bucket.0123456789abcdef0123456789abcdef_default_other": "*"})}, "not this stack's bucket"),
        ({"permissionGroups": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}, "3 permission groups"),
        ({"resources": json.dumps({})}, "names no resource"),
    ],
)
def test_r2_token_least_privilege(fields: dict[str, Any], expected: str) -> None:
    plan = edit(shipped_plan(R2), R2_TOKEN, set_token_policy(**fields))
    messages = only(violations(plan), "storage-credential-least-privilege")
    assert any(expected in m for m in messages), messages


def test_r2_public_dev_url_and_blanket_expiry() -> None:
    plan = shipped_plan(R2)
    public = add(plan, R2_CORS, "cloudflare:index/r2ManagedDomain:R2ManagedDomain", "storage-dev-url", {"bucketName": "raptscallions-staging", "enabled": True})
    assert "r2.dev" in only(violations(public), "storage-no-public-access")[0]

    def blanket(inputs: dict[str, Any]) -> None:
        inputs["rules"][1]["deleteObjectsTransition"] = {"condition": {"type": "Age", "maxAge": 86400}}

    assert "whole bucket" in only(violations(edit(plan, R2_LIFECYCLE, blanket)), "storage-lifecycle-no-blanket-expiry")[0]
