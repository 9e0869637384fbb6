"""The validator's CORS check names the answer a real S3 engine (Ceph RGW 16.2) gives.

RGW refuses a preflight with `403 AccessDenied` and an empty message both when the bucket has
no CORS configuration and when no rule matches (measured on this cluster; AWS and LocalStack
say which, see tests/validate/test_validate_localstack.py). So the validator says the server did not
tell, unless another preflight of the same run got through, which proves the rules exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.guide.cors import CorsRule
from infra.guide.permissions import app_policy_document
from tests.support.rgw_server import Rgw
from tests.support.s3_documents import s3_cors_configuration
from tests.support.s3_servers import unique_bucket
from tests.support.validate_run import assert_told_safely, storage_env, validate_text_and_json

ORIGIN = "https://app.raptscallions.com"


def cors_failure(rgw: Rgw, rule: CorsRule | None) -> tuple[dict[str, Any], str]:
    """The CORS check's error and the text report, for a bucket holding `rule` (None: no CORS)."""
    bucket = rgw.create_bucket(unique_bucket("cors-answer"))
    if rule is not None:
        rgw.client().put_bucket_cors(Bucket=bucket, CORSConfiguration=s3_cors_configuration(rule))
    credential = rgw.restricted_user(f"{bucket}-app", app_policy_document(bucket))
    text, data = validate_text_and_json(storage_env(rgw.server, bucket, credential), "--origin", ORIGIN)
    assert (text.code, data.code) == (1, 1), text.out
    assert [c["id"] for c in data.report["checks"] if c["status"] == "failed"] == ["cors"]
    assert_told_safely(credential.secret, text, data)
    return data.check("cors")["error"], text.out


def test_no_cors_at_all_is_reported_as_refused_without_a_reason(rgw: Rgw) -> None:
    error, text = cors_failure(rgw, None)
    for method in ("GET", "PUT", "HEAD"):
        assert f"{ORIGIN} {method}: refused (cors_refused_without_reason)" in error["message"]
    assert "got HTTP 403, AccessDenied (no message)" in error["message"]
    assert "Access-Control-Request-Headers: content-type" in error["message"]
    assert len(error["causes"]) == 1 and "refused every preflight without saying why" in error["causes"][0]
    assert error["fix"].startswith("Apply the stack's CORS rule")
    assert "Possible causes:" not in text.split("CORS preflight")[1] and "dev tools" not in text


def test_a_refusal_beside_an_allowed_preflight_is_named_no_rule_matched(rgw: Rgw) -> None:
    error, _ = cors_failure(rgw, CorsRule(allowed_origins=(ORIGIN,), allowed_methods=("GET", "HEAD")))
    assert f"{ORIGIN} PUT: refused (cors_no_rule_matched)" in error["message"]
    assert f"{ORIGIN} GET: refused" not in error["message"]
    assert len(error["causes"]) == 1 and "another preflight of this run was allowed" in error["causes"][0]


def test_etag_not_exposed_is_named_with_the_headers_that_came_back(rgw: Rgw) -> None:
    error, _ = cors_failure(rgw, CorsRule(allowed_origins=(ORIGIN,), expose_headers=("Content-Length",)))
    assert f"{ORIGIN} PUT: refused (cors_etag_not_exposed)" in error["message"]
    assert "Access-Control-Allow-Origin: " + ORIGIN in error["message"]
    assert "Access-Control-Expose-Headers: Content-Length" in error["message"]
    assert error["fix"].startswith("Expose ETag")


@pytest.mark.parametrize("origins", [("https://other.raptscallions.com",)])
def test_a_rule_for_other_origins_only_is_unexplained_on_rgw(rgw: Rgw, origins: tuple[str, ...]) -> None:
    """Every preflight refused and RGW says nothing: the validator must not claim CORS is off."""
    error, _ = cors_failure(rgw, CorsRule(allowed_origins=origins))
    assert "cors_refused_without_reason" in error["message"] and "cors_not_enabled" not in error["message"]
