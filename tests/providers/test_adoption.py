"""Adopting a bucket made by hand: the bucket is imported (with the id each provider's import
expects) instead of created, and stays protected; nothing else is imported. B2 is adopted
without an import (its dynamic provider's `create` takes the bucket over: tests/providers/backblaze/test_b2_engine.py
runs that through Pulumi's dynamic-provider host)."""

from __future__ import annotations

import pytest

from infra.offline.harness import run_plan
from infra.plan import plan_as_dict, render_text
from infra.providers import registry
from infra.providers.cloudflare.spec import CloudflareOptions
from tests.support.examples_support import example_plan, example_settings
from tests.support.plans import shipped_plan
from tests.support.policy_support import app_part, mandatory
from tests.support.settings_support import problems, settings_for

ACCOUNT = "0123456789abcdef0123456789abcdef"
B2_BUCKET_ID = "4a48fe8875c6214145260818"
ADOPTIONS = {
    # example stack file: (bucket type, expected import id, as examples/adoption/README.md lists it)
    "adoption/Pulumi.aws-prod.yaml": ("aws:s3/bucket:Bucket", "example-app-prod@eu-west-1"),
    "adoption/Pulumi.spaces-prod.yaml": ("digitalocean:index/spacesBucket:SpacesBucket", "ams3,example-app-prod"),
    "adoption/Pulumi.r2-prod.yaml": ("cloudflare:index/r2Bucket:R2Bucket", f"{ACCOUNT}/example-app-prod/eu"),
}
B2_ADOPTION = "adoption/Pulumi.b2-prod.yaml"
B2_BUCKET = "pulumi-python:dynamic/backblaze:Bucket"
SHIPPED_STACKS = ["prod", "spaces-staging", "staging", "b2-staging"]


@pytest.mark.parametrize("example", list(ADOPTIONS))
def test_adopting_imports_only_the_bucket_with_the_providers_id(example: str) -> None:
    bucket_type, import_id = ADOPTIONS[example]
    plan = example_plan(example)
    assert plan.error is None, plan.error
    bucket = app_part(plan).one(bucket_type)
    assert bucket.import_id == import_id
    assert bucket.protect is True, "an adopted bucket is protected like a created one"
    assert [r.name for r in plan.resources if r.import_id] == [bucket.name]
    assert any(import_id in warning and "adoptExistingBucket" in warning for warning in plan.warnings)
    created = sorted(r.type for r in example_plan(example, adoptExistingBucket=False).resources)
    assert sorted(r.type for r in plan.resources) == created, "the same resources, only the bucket imported"
    assert mandatory(plan) == []
    assert f"[protected] [import {import_id}]" in render_text(plan)
    assert [r["importId"] for r in plan_as_dict(plan, [])["resources"] if r["importId"]] == [import_id]


def test_b2_adoption_names_the_bucket_id_as_an_input_and_imports_nothing() -> None:
    """The engine's import `Read` carries no inputs, so the Python dynamic-provider host cannot
    serve it (pulumi/pulumi#7534, #16175): B2 adoption must not use `import_` at all."""
    plan = example_plan(B2_ADOPTION)
    assert plan.error is None, plan.error
    assert example_settings(B2_ADOPTION)["b2BucketId"] == B2_BUCKET_ID
    assert [r.name for r in plan.resources if r.import_id] == []
    bucket = app_part(plan).one(B2_BUCKET)
    assert bucket.inputs["adoptBucketId"] == B2_BUCKET_ID
    assert bucket.protect is True, "an adopted bucket is protected like a created one"
    assert [r for r in plan.resources if "adoptBucketId" in r.inputs] == [bucket], "only the bucket adopts"
    assert any(B2_BUCKET_ID in w and "adoptExistingBucket" in w and "+ create" in w for w in plan.warnings)
    created = example_plan(B2_ADOPTION, adoptExistingBucket=False, b2BucketId=None)
    assert sorted(r.urn for r in plan.resources) == sorted(r.urn for r in created.resources), "the same URNs"
    assert "adoptBucketId" not in created.one(B2_BUCKET).inputs, "a created bucket names no id to adopt"
    assert mandatory(plan) == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_create_their_bucket(stack: str) -> None:
    assert all(r.import_id == "" for r in shipped_plan(stack).resources)


def test_r2_import_id_names_the_jurisdiction_and_the_hint_is_left_out() -> None:
    plan = run_plan("staging", config_overrides={"adoptExistingBucket": True, "r2Jurisdiction": "eu"})
    assert plan.error is None, plan.error
    bucket = app_part(plan).one("cloudflare:index/r2Bucket:R2Bucket")
    assert bucket.import_id == f"{ACCOUNT}/raptscallions-staging/eu"
    assert bucket.inputs["jurisdiction"] == "eu"
    assert "location" not in bucket.inputs, "R2 places a bucket once; an adopted bucket keeps its location"
    assert any("r2LocationHint 'wnam' is not applied to an adopted bucket" in w for w in plan.warnings)


def test_import_ids_follow_each_providers_documented_format() -> None:
    assert registry.get("aws").bucket_import_id("b", "eu-west-2", None) == "b@eu-west-2"
    assert registry.get("digitalocean").bucket_import_id("b", "fra1", None) == "fra1,b"
    options = CloudflareOptions(ACCOUNT, "fedramp")
    assert registry.get("cloudflare").bucket_import_id("b", "auto", options) == f"{ACCOUNT}/b/fedramp"


def test_b2_adoption_needs_the_bucket_id_because_b2_finds_buckets_by_id() -> None:
    [(key, message)] = problems("backblaze", adoptExistingBucket=True)
    assert key == "b2BucketId" and "required with adoptExistingBucket" in message
    [(key, message)] = problems("backblaze", adoptExistingBucket=True, b2BucketId="raptscallions-prod")
    assert key == "b2BucketId" and "not a B2 bucket ID" in message
    settings = settings_for("backblaze", adoptExistingBucket=True, b2BucketId=B2_BUCKET_ID)
    assert settings.options.bucket_id == B2_BUCKET_ID
    plan = run_plan("b2-staging", config_overrides={"adoptExistingBucket": True})
    assert plan.resources == () and plan.error is not None and "b2BucketId" in plan.error


def test_every_provider_adopts_by_import_except_b2_which_adopts_in_its_own_provider() -> None:
    """B2's dynamic provider host cannot serve the engine's import `Read`, so B2 alone has no import id."""
    options = CloudflareOptions(ACCOUNT, "default")
    by_import = {spec.name for spec in registry.all_specs() if spec.bucket_import_id("b", "auto", options) is not None}
    assert by_import == {"aws", "digitalocean", "cloudflare"}
    settings = settings_for("backblaze", adoptExistingBucket=True, b2BucketId=B2_BUCKET_ID)
    assert settings.bucket_import_id is None and settings.adopt_existing_bucket
