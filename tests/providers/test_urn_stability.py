"""Every shipped stack's URNs stay those of the committed record (tests/support/urn_record.py says why).

The record is judged with the engine's matching (`infra.offline.compare.match_resources`,
after pulumi/pulumi pkg/resource/deploy/step_generator.go), so an `aliases` entry is what
lets a resource move; the planted rename below runs the real program from a patched copy of
this package in a subprocess, as `--against` renders another revision.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from infra.offline.base_plan import plan_in
from infra.offline.compare import compare_plans
from infra.offline.stack_files import PROJECT_ROOT, stack_names
from tests.support import urn_record

USER_LINE = '            f"{name}-{role}-user",\n'
RENAMED = '            f"{name}-{role.replace(\'app\', \'application\')}-user",\n'
ALIASED = RENAMED + "            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=f\"{name}-{role}-user\")])),\n"
OLD_URN = "urn:pulumi:prod::raptscallions-storage::raptscallions:storage:AwsStorage$aws:iam/user:User::storage-app-user"


@pytest.mark.parametrize("label", urn_record.labels())
def test_urns_are_exactly_the_recorded_ones(label: str) -> None:
    found = urn_record.problems(label, urn_record.render(label), urn_record.recorded())
    assert found == [], (
        "Resources moved (name, type or parent: a deployed stack would delete and re-create them).\n"
        "Add `aliases=[pulumi.Alias(...)]` naming the old URN, or, when the change is deliberate, "
        f"record it: `{urn_record.REGENERATE}` and commit tests/support/stack_urns.json.\n" + "\n".join(found)
    )


def test_every_shipped_stack_is_recorded() -> None:
    assert set(stack_names(PROJECT_ROOT)) <= set(urn_record.recorded())


def patched_project(tmp_path: Path, replacement: str) -> Path:
    """A copy of this package whose AWS credential names the app's IAM user differently."""
    tmp_path.mkdir()
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.prod.yaml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / "infra", tmp_path / "infra", ignore=shutil.ignore_patterns("__pycache__"))
    component = tmp_path / "infra/providers/aws/credential.py"
    source = component.read_text()
    block = source[source.index(USER_LINE):]
    block = block[: block.index("        )\n") + len("        )\n")]
    patched = block.replace(USER_LINE, replacement)
    if replacement == ALIASED:
        patched = patched.replace("            opts=child,\n", "")
    component.write_text(source.replace(block, patched))
    return tmp_path


def test_a_renamed_resource_fails_the_record_and_an_alias_lets_it_pass(tmp_path: Path) -> None:
    record = urn_record.recorded()
    renamed = plan_in(patched_project(tmp_path / "renamed", RENAMED), "prod")
    found = urn_record.problems("prod", renamed, record)
    assert any(OLD_URN in line and "is gone" in line for line in found), found
    assert any("storage-application-user is new" in line for line in found), found

    aliased = plan_in(patched_project(tmp_path / "aliased", ALIASED), "prod")
    assert urn_record.problems("prod", aliased, record) == []
    comparison = compare_plans(urn_record.render("prod"), aliased, "HEAD")
    assert comparison.of_kind("delete") == [] and comparison.of_kind("create") == []
    user = next(r for r in comparison.resources if r.name == "storage-application-user")
    assert user.old_urn == OLD_URN and user.kind == "same", user
