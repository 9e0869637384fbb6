"""The rotation runbook (docs/operations.md) names the `pulumi preview --diff` lines each step must show.

Its table (provider, credential type, old and new name) is checked against the real program
rendered offline at each step: step 1 adds exactly the new credential, step 2 adds and removes
nothing, step 3 removes exactly the old one. The line format, `+ <type>: (create)` /
`- <type>: (delete)` then `[urn=...]` (with `[id=...]` first on a delete), is Pulumi's
(pulumi/pulumi pkg/backend/display/object_diff.go: printStepHeader, getResourcePropertiesSummary).
"""

from __future__ import annotations

import re

import pytest

from infra.offline.harness import run_plan
from tests.support.doc_pages import page, section
from tests.support.examples_support import rotation_step

SECTION = section(page("docs/operations.md"), "Rotating the app credential (no downtime)")
STACKS = {"aws": "prod", "digitalocean": "spaces-staging", "cloudflare": "staging", "backblaze": "b2-staging"}
STEPS = {f"Step {step}": rotation_step(step) for step in (1, 2, 3)}
"""The runbook's three steps, from a stack that never rotated to generation 2027-05 (examples/rotation)."""


def table() -> dict[str, tuple[str, str, str]]:
    rows = re.findall(r"^\| `(\w+)` \| `([^`]+)` \| `([^`]+)` / `([^`]+)` \|$", SECTION, re.M)
    return {provider: (kind, old, new) for provider, kind, old, new in rows}


def urns(stack: str, overrides: dict) -> set[str]:
    plan = run_plan(stack, config_overrides=overrides)
    assert plan.error is None, plan.error
    return {r.urn for r in plan.resources}


def test_the_runbook_has_three_numbered_step_headings_and_a_row_per_provider() -> None:
    """Other messages (CI's transition refusals) link to these headings: keep them stable."""
    headings = re.findall(r"^### (Step \d): ", SECTION, re.M)
    assert headings == list(STEPS)
    assert set(table()) == set(STACKS)


@pytest.mark.parametrize("provider", list(STACKS))
def test_each_step_shows_exactly_the_lines_the_runbook_names(provider: str) -> None:
    kind, old, new = table()[provider]
    stack = STACKS[provider]
    before = urns(stack, {})
    step1, step2, step3 = (urns(stack, overrides) for overrides in STEPS.values())
    name = lambda urn: urn.rsplit("::", 1)[1]  # noqa: E731
    typed = lambda urn: urn.rsplit("::", 2)[1].rsplit("$", 1)[-1]  # noqa: E731
    assert [(typed(u), name(u)) for u in step1 - before] == [(kind, new)] and not before - step1
    assert step2 == step1
    assert [(typed(u), name(u)) for u in step2 - step3] == [(kind, old)] and not step3 - step2


def test_the_printed_examples_are_those_of_the_aws_stack() -> None:
    kind, old, new = table()["aws"]
    component = "urn:pulumi:prod::raptscallions-storage::raptscallions:storage:AwsStorage$"
    assert f"+ {kind}: (create)\n    [urn={component}{kind}::{new}]" in SECTION
    assert f"- {kind}: (delete)\n    [id=AKIA...]\n    [urn={component}{kind}::{old}]" in SECTION
