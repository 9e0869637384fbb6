"""The offline plan lists resources in the program's declaration order, the same on every
run, so two plans can be diffed. Registrations reach the monitor in whatever order their
inputs resolve on the event loop (which moved with the hash seed); the harness records
each constructor call instead."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from infra.offline.harness import DeclaredResource, Plan, in_declaration_order
from infra.offline.stack_files import PROJECT_ROOT
from tests.support.policy_support import app_part


def plan_text(stack: str, seed: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "infra.plan", "--stack", stack],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("stack", ["prod", "staging"])
def test_two_runs_with_different_hash_seeds_print_the_same_plan(stack: str) -> None:
    assert plan_text(stack, "1") == plan_text(stack, "2")


def declared_types(module: str) -> list[str]:
    """The AWS resource types `module` declares, in source order; a `BucketCredential(` call
    stands for the credential module's own."""
    source = (PROJECT_ROOT / f"infra/providers/aws/{module}.py").read_text()
    found = re.findall(r"aws\.(?:s3|iam)\.([A-Z]\w*)\(|(BucketCredential)\(", source)
    declared = []
    for resource, credential in found:
        if credential and module != "credential":
            declared += declared_types("credential")
        elif resource and not resource.endswith("Args"):
            declared.append(resource)
    return declared


def test_the_aws_tree_follows_the_components_source_order(prod_plan: Plan) -> None:
    declared = declared_types("component")
    children = [r.type.rsplit(":", 1)[1] for r in app_part(prod_plan).resources if r.type.startswith("aws:")]
    assert children == declared


def _resource(type_: str, name: str) -> DeclaredResource:
    return DeclaredResource(f"urn:{type_}::{name}", type_, name, {}, "", False, True, "", "", (), frozenset())


def test_registrations_are_put_back_in_declaration_order() -> None:
    a, b, c, d = (_resource("t:m:A", "a"), _resource("t:m:B", "b"), _resource("t:m:A", "a2"), _resource("t:m:X", "x"))
    declared = [("t:m:A", "a"), ("t:m:B", "b"), ("t:m:A", "a2")]
    assert in_declaration_order([d, c, b, a], declared) == (a, b, c, d)
    same_key_twice = [_resource("t:m:A", "a"), _resource("t:m:A", "a")]
    assert in_declaration_order(list(reversed(same_key_twice)), [("t:m:A", "a")] * 2) == tuple(reversed(same_key_twice))

