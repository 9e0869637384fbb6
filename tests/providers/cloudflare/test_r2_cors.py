"""R2's CORS rule lets the app's browser upload through its preflight whether R2 honours `*`
in allowed headers or takes it literally (tests/support/r2_cors_double.py, with the evidence for each
mode), and settings, the policy pack and the validator agree on it.

The preflight is the one a browser sends for the app's upload: a PUT to a signed URL with
`Content-Type: image/png` (the file's type, outside the CORS safelist), announced as
`Access-Control-Request-Headers: content-type` (Fetch standard; lowercase, sorted, comma-separated).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from infra.guide.cors import PREFLIGHT_HEADERS, access_control_request_headers, allowed_headers_problem
from infra.offline.harness import Plan, run_plan
from infra.providers.cloudflare.documents import r2_allowed_headers
from infra.validate import checks
from infra.validate.classify import CheckFailed
from infra.validate.client import s3_client
from infra.validate.config import Target
from infra.validate.probes import Probes
from tests.support.app_sdk import presign, without_sdk_settings, write_env
from tests.support.plans import shipped_plan
from tests.support.policy_support import edit, only, violations
from tests.support.r2_cors_double import (
    StarMode,
    browser_preflight_headers,
    cors_unsafe_header_names,
    r2_cors_server,
    r2_preflight,
    upload_passes,
)

R2 = "staging"
ORIGIN = "https://staging.raptscallions.com"
R2_CORS = "cloudflare:index/r2BucketCors:R2BucketCors"
AWS_CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
UPLOAD = {"Content-Type": "image/png"}
"""The headers the app's browser code sets on its signed PUT (the file's type)."""
MODES = list(StarMode)


def r2_rules(plan: Plan) -> list[dict[str, Any]]:
    """The R2BucketCors rules exactly as the engine (and the provider, and the pack) get them."""
    return plan.one(R2_CORS).wire_inputs["rules"]


def with_r2_headers(plan: Plan, headers: list[str]) -> Plan:
    def change(inputs: dict[str, Any]) -> None:
        inputs["rules"][0]["allowed"]["headers"] = headers

    return edit(plan, R2_CORS, change)


# --- what the browser sends -------------------------------------------------------------------


def test_the_browser_announces_content_type_for_an_image_upload_as_chromium_does() -> None:
    assert browser_preflight_headers(ORIGIN, "PUT", UPLOAD)["Access-Control-Request-Headers"] == "content-type"
    assert "Access-Control-Request-Headers" not in browser_preflight_headers(ORIGIN, "PUT", {"Content-Type": "text/plain"})
    two = {"X-Amz-Meta-Owner": "u1", "Content-Type": "image/png", "Accept": "*/*"}
    assert browser_preflight_headers(ORIGIN, "PUT", two)["Access-Control-Request-Headers"] == "content-type,x-amz-meta-owner"
    assert access_control_request_headers(PREFLIGHT_HEADERS) == "content-type"


@pytest.mark.parametrize("with_sdk_settings", [True, False], ids=["our-env", "sdk-defaults"])
def test_the_apps_signed_put_makes_the_browser_send_only_the_guides_preflight_headers(
    with_sdk_settings: bool, tmp_path: Path
) -> None:
    """The app's own SDK signs the R2 stack's upload URL for image/png: every header it signed
    (the browser must send those) plus the Content-Type the app sets are, of the CORS-unsafe
    ones, exactly the guide's PREFLIGHT_HEADERS; checksums, when baked, ride in the query."""
    env_file = write_env(tmp_path, shipped_plan(R2).outputs)
    url = presign(env_file if with_sdk_settings else without_sdk_settings(env_file), "uploads/u1/a.png", "image/png")["put"]
    query = dict(parse_qsl(urlsplit(url).query))
    signed = [h for h in query["X-Amz-SignedHeaders"].split(";") if h != "host"]
    sent = {**UPLOAD, **{name: "signed value" for name in signed}}
    assert cors_unsafe_header_names(sent) == sorted(PREFLIGHT_HEADERS)


# --- the two modes of the double ----------------------------------------------------------------


def test_the_modes_differ_exactly_on_a_lone_star() -> None:
    """The double is only worth something if its literal mode refuses what the wildcard mode allows."""
    star_only = [{"allowed": {"origins": [ORIGIN], "methods": ["PUT"], "headers": ["*"]}}]
    named = [{"allowed": {"origins": [ORIGIN], "methods": ["PUT"], "headers": ["Content-Type"]}}]
    assert upload_passes(star_only, StarMode.WILDCARD, ORIGIN, UPLOAD)
    assert not upload_passes(star_only, StarMode.LITERAL, ORIGIN, UPLOAD)
    assert r2_preflight(star_only, browser_preflight_headers(ORIGIN, "PUT", UPLOAD), StarMode.LITERAL).status == 403
    for mode in MODES:
        assert upload_passes(named, mode, ORIGIN, UPLOAD)
        assert not upload_passes(named, mode, "https://evil.example.com", UPLOAD)


# --- the shipped R2 rule ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_the_shipped_r2_rule_lets_the_apps_upload_through(mode: StarMode) -> None:
    rules = r2_rules(shipped_plan(R2))
    assert upload_passes(rules, mode, ORIGIN, UPLOAD)
    for method in ("GET", "HEAD"):
        assert r2_preflight(rules, browser_preflight_headers(ORIGIN, method, {}), mode).status == 200
    assert not upload_passes(rules, mode, "https://not-the-app.example.com", UPLOAD)


def test_a_lone_star_on_r2_fails_the_literal_mode_and_the_pack() -> None:
    planted = with_r2_headers(shipped_plan(R2), ["*"])
    assert not upload_passes(r2_rules(planted), StarMode.LITERAL, ORIGIN, UPLOAD)
    [message] = only(violations(planted), "storage-cors-headers")
    assert "content-type" in message and "corsAllowedHeaders" in message


def test_a_lone_star_on_aws_passes_the_pack_and_a_rule_without_content_type_does_not() -> None:
    """S3 documents `*` in AllowedHeader, so only R2's rules are judged with `*` not counted."""
    prod = shipped_plan("prod")
    assert prod.one(AWS_CORS).inputs["corsRules"][0]["allowedHeaders"] == ["*"]
    assert "storage-cors-headers" not in violations(prod)

    def custom_only(inputs: dict[str, Any]) -> None:
        inputs["corsRules"][0]["allowedHeaders"] = ["x-custom"]

    only(violations(edit(prod, AWS_CORS, custom_only)), "storage-cors-headers")


# --- settings, renderer, pack and double agree ----------------------------------------------------


@pytest.mark.parametrize(
    "headers", [["*"], ["Content-Type"], ["x-custom", "content-type"], ["*", "Content-Type"]], ids=str
)
def test_every_header_list_settings_accept_renders_an_r2_rule_that_passes_both_modes_and_the_pack(
    headers: list[str],
) -> None:
    assert allowed_headers_problem(headers) is None  # settings accept it
    plan = run_plan(R2, config_overrides={"corsAllowedHeaders": headers})
    assert plan.error is None, plan.error
    rules = r2_rules(plan)
    assert rules[0]["allowed"]["headers"] == list(r2_allowed_headers(headers))
    assert all(upload_passes(rules, mode, ORIGIN, UPLOAD) for mode in MODES)
    assert "storage-cors-headers" not in violations(plan)


def test_a_header_list_without_content_type_is_refused_before_anything_is_rendered() -> None:
    plan = run_plan(R2, config_overrides={"corsAllowedHeaders": ["x-custom"]})
    assert plan.error is not None and "corsAllowedHeaders" in plan.error and not plan.resources


# --- the validator's CORS check against the double ------------------------------------------------


def validator_cors_check(endpoint: str) -> Any:
    target = Target(
        bucket="raptscallions-staging",
        region="auto",
        access_key_id="AKIDR2CORSDOUBLE",
        secret_access_key="not-a-secret-r2-cors-double",
        endpoint=endpoint,
        signed_url_expiration=900,
        origins=(ORIGIN,),
    )
    context = checks.Context(target=target, client=s3_client(target, 5.0), probes=Probes(), timeout=5.0)
    return checks.cors_preflight(context)


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_the_validator_passes_the_shipped_rule_and_asks_as_a_browser_does(mode: StarMode) -> None:
    rules = r2_rules(shipped_plan(R2))
    with r2_cors_server(rules, mode) as (endpoint, seen):
        validator_cors_check(endpoint)
    puts = [h for h in seen if h.get("Access-Control-Request-Method") == "PUT" and h.get("Origin") == ORIGIN]
    assert [h.get("Access-Control-Request-Headers") for h in puts] == [
        browser_preflight_headers(ORIGIN, "PUT", UPLOAD)["Access-Control-Request-Headers"]
    ]


def test_the_validator_refuses_a_lone_star_where_r2_takes_it_literally() -> None:
    rules = copy.deepcopy(r2_rules(shipped_plan(R2)))
    rules[0]["allowed"]["headers"] = ["*"]
    with r2_cors_server(rules, StarMode.LITERAL) as (endpoint, _), pytest.raises(CheckFailed) as failed:
        validator_cors_check(endpoint)
    # The double answers like R2 (AccessDenied, no reason); GET and HEAD got through, so the
    # bucket has rules and the refused PUT matched none of them.
    message = str(failed.value)
    assert f"{ORIGIN} PUT: refused (cors_no_rule_matched)" in message
    assert "Access-Control-Request-Headers: content-type; got HTTP 403, AccessDenied (no message)" in message
    assert f"{ORIGIN} GET: refused" not in message
    with r2_cors_server(rules, StarMode.WILDCARD) as (endpoint, _):
        validator_cors_check(endpoint)


def test_the_validator_names_r2s_unexplained_refusal_of_every_preflight() -> None:
    """No rule at all: R2 (the double) refuses every preflight with AccessDenied and no reason, so the
    validator says the server did not say which of its two causes it is, and gives both fixes only."""
    with r2_cors_server([], StarMode.WILDCARD) as (endpoint, _), pytest.raises(CheckFailed) as failed:
        validator_cors_check(endpoint)
    failure = failed.value.failure
    for method in ("GET", "PUT", "HEAD"):
        assert f"{ORIGIN} {method}: refused (cors_refused_without_reason)" in failure.message
    assert failure.causes is not None and len(failure.causes) == 1
    assert "refused every preflight without saying why" in failure.causes[0]
    assert "dev tools" not in failure.shown_fix


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_the_validator_says_when_r2_does_not_expose_etag(mode: StarMode) -> None:
    rules = copy.deepcopy(r2_rules(shipped_plan(R2)))
    rules[0]["exposeHeaders"] = ["Content-Length"]
    with r2_cors_server(rules, mode) as (endpoint, _), pytest.raises(CheckFailed) as failed:
        validator_cors_check(endpoint)
    failure = failed.value.failure
    assert f"{ORIGIN} PUT: refused (cors_etag_not_exposed)" in failure.message
    assert "Access-Control-Expose-Headers: Content-Length" in failure.message
    assert failure.shown_fix.startswith("Expose ETag")
