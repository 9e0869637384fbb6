"""`infra.plan --against REF` and the comparer under it.

The alias rules are those of pulumi/pulumi pkg/resource/deploy/step_generator.go
(`generateSteps`: URN first, then `generateAliases` = `collapseAliasToUrn` per alias, plus
`inheritedChildAlias` only for a parent that was itself matched by an alias).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from infra.offline.compare import compare_plans, match_resources
from infra.offline.records import DeclaredAlias, DeclaredResource, Plan
from tests.support.repo_support import git, plan_against, repository_copy

STACK = "urn:pulumi:prod::proj::pulumi:pulumi:Stack::proj-prod"
COMPONENT = "urn:pulumi:prod::proj::my:C::app"
OLD_KEY = "urn:pulumi:prod::raptscallions-storage::raptscallions:storage:AwsStorage$aws:iam/accessKey:AccessKey::storage-app-key"


def res(urn: str, parent: str = STACK, *aliases: DeclaredAlias, custom: bool = True) -> DeclaredResource:
    qualified, name = urn.split("::")[2:4]
    return DeclaredResource(urn, qualified.split("$")[-1], name, {}, parent, False, custom, "", "", (), frozenset(), aliases=aliases)


def plan(*resources: DeclaredResource) -> Plan:
    return Plan("prod", resources, {}, frozenset())


def pairs(base: Plan, head: Plan) -> list[tuple[str | None, str | None]]:
    return [(o.urn if o else None, n.urn if n else None) for o, n in match_resources(base, head)]


def test_alias_by_name_keeps_the_current_parent() -> None:
    old = res("urn:pulumi:prod::proj::my:C$aws:x:X::app-key", COMPONENT)
    new = res("urn:pulumi:prod::proj::my:C$aws:x:X::app-key-2", COMPONENT, DeclaredAlias(name="app-key"))
    assert pairs(plan(res(COMPONENT), old), plan(res(COMPONENT), new)) == [(COMPONENT, COMPONENT), (old.urn, new.urn)]


def test_without_alias_a_rename_is_a_delete_and_a_create() -> None:
    old = res("urn:pulumi:prod::proj::my:C$aws:x:X::app-key", COMPONENT)
    new = res("urn:pulumi:prod::proj::my:C$aws:x:X::app-key-2", COMPONENT)
    comparison = compare_plans(plan(res(COMPONENT), old), plan(res(COMPONENT), new), "HEAD~1")
    assert [(r.kind, r.name) for r in comparison.resources if r.kind != "same"] == [("create", "app-key-2"), ("delete", "app-key")]


def test_children_inherit_a_renamed_parents_alias_only_when_it_was_matched_by_it() -> None:
    old_parent, new_parent = res("urn:pulumi:prod::proj::my:C::old"), res("urn:pulumi:prod::proj::my:C::new", STACK, DeclaredAlias(name="old"))
    old_child = res("urn:pulumi:prod::proj::my:C$aws:x:X::old-bucket", old_parent.urn)
    new_child = res("urn:pulumi:prod::proj::my:C$aws:x:X::new-bucket", new_parent.urn)
    assert pairs(plan(old_parent, old_child), plan(new_parent, new_child)) == [
        (old_parent.urn, new_parent.urn), (old_child.urn, new_child.urn)
    ]
    # the parent found by its own URN: no inheritance, the renamed child is new
    same_parent = res("urn:pulumi:prod::proj::my:C::old", STACK, DeclaredAlias(name="older"))
    renamed_child = res("urn:pulumi:prod::proj::my:C$aws:x:X::new-bucket", same_parent.urn)
    assert (None, renamed_child.urn) in pairs(plan(old_parent, old_child), plan(same_parent, renamed_child))


def test_the_urn_wins_over_an_alias_and_no_parent_aliases_a_top_level_resource() -> None:
    top = res("urn:pulumi:prod::proj::aws:x:X::key")
    moved = res("urn:pulumi:prod::proj::my:C$aws:x:X::key", COMPONENT, DeclaredAlias(no_parent=True))
    assert pairs(plan(res(COMPONENT), top), plan(res(COMPONENT), moved)) == [(COMPONENT, COMPONENT), (top.urn, moved.urn)]
    both = res("urn:pulumi:prod::proj::my:C$aws:x:X::key", COMPONENT, DeclaredAlias(no_parent=True))
    assert pairs(plan(res(COMPONENT), top, both), plan(res(COMPONENT), both))[1] == (both.urn, both.urn)


def test_a_rotation_in_one_step_shows_the_deletion_of_the_key_the_app_uses(tmp_path: Path) -> None:
    repo = repository_copy(tmp_path)
    stack_file = repo / "Pulumi.prod.yaml"
    document = yaml.safe_load(stack_file.read_text())
    document["config"]["raptscallions-storage:credentials"] = [{"name": "2027-05"}]
    document["config"]["raptscallions-storage:activeCredential"] = "2027-05"
    stack_file.write_text(yaml.safe_dump(document))
    git(repo, "commit", "-qam", "rotate in one step")

    result = plan_against(repo, "--json")
    assert result.returncode == 1, result.stderr  # refused: tests/plan/test_transitions.py
    comparison = json.loads(result.stdout)["comparison"]
    changes = {(r["kind"], r["name"]): r for r in comparison["resources"]}
    assert changes[("delete", "storage-app-key")]["urn"] == OLD_KEY
    assert ("create", "storage-app-key-2027-05") in changes
    assert {o["name"] for o in comparison["outputs"]} == {"STORAGE_S3_ACCESS_KEY_ID", "STORAGE_S3_SECRET_ACCESS_KEY"}
    assert "fake-secret" not in result.stdout and "FAKESECRET" not in result.stdout.upper()

    text = plan_against(repo).stdout
    assert "- delete  aws:iam/accessKey:AccessKey  storage-app-key" in text
    assert "+ create  aws:iam/accessKey:AccessKey  storage-app-key-2027-05" in text
    assert "STORAGE_S3_SECRET_ACCESS_KEY: [secret] => [secret]  (secret)" in text
    assert git(repo, "worktree", "list").count("\n") == 1, "the temporary worktree is removed"


def test_a_code_change_shows_with_its_replacement_and_source(tmp_path: Path) -> None:
    repo = repository_copy(tmp_path)
    credential = repo / "infra/providers/aws/credential.py"
    credential.write_text(credential.read_text().replace('path=USER_PATH,', 'path=USER_PATH,  # same')
                          .replace('f"{name}-{role}-user",', 'f"{name}-{role.replace(\'app\', \'application\')}-user",'))
    stack_file = repo / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text().replace("raptscallions-prod", "raptscallions-prod2"))
    git(repo, "commit", "-qam", "rename the user in code, the bucket in settings")

    text = plan_against(repo).stdout
    assert "- delete  aws:iam/user:User  storage-app-user" in text, text
    assert "+ create  aws:iam/user:User  storage-application-user" in text
    assert "~ update (replace)  aws:s3/bucket:Bucket  storage-bucket [protected]" in text
    assert "bucket: raptscallions-prod => raptscallions-prod2  [replaces: hashicorp/terraform-provider-aws internal/service/s3/bucket.go" in text


def test_a_stack_new_at_head_is_all_creates(tmp_path: Path) -> None:
    repo = repository_copy(tmp_path)
    (repo / "Pulumi.prod.yaml").rename(repo / "Pulumi.prod-copy.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "prod under another name")
    result = subprocess.run([sys.executable, "-m", "infra.plan", "--stack", "prod-copy", "--against", "HEAD~1"],
                            cwd=repo, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "stack prod-copy does not exist at HEAD~1" in result.stdout
    assert " 0 to delete" in result.stdout and "to create" in result.stdout


def test_an_unknown_ref_is_one_clear_error(tmp_path: Path) -> None:
    repo = repository_copy(tmp_path)
    result = subprocess.run([sys.executable, "-m", "infra.plan", "--stack", "prod", "--against", "no-such-ref"],
                            cwd=repo, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "--against no-such-ref: not a commit" in result.stderr and "Traceback" not in result.stderr


def test_an_alias_of_a_top_level_resource_collapses_without_the_stack_in_its_urn() -> None:
    """A top-level resource's parent is the root stack, whose type is never part of a URN
    (`collapseAliasToUrn` in step_generator.go drops a root-stack parent): `Alias(name=old)` of
    a renamed top-level component names `<type>::old`, not `pulumi:pulumi:Stack$<type>::old`."""
    old = res("urn:pulumi:prod::proj::my:C::storage")
    renamed = res("urn:pulumi:prod::proj::my:C::store", STACK, DeclaredAlias(name="storage"))
    assert pairs(plan(old), plan(renamed)) == [(old.urn, renamed.urn)]
    explicit = res("urn:pulumi:prod::proj::my:C::store", STACK, DeclaredAlias(name="storage", parent_urn=STACK))
    assert pairs(plan(old), plan(explicit)) == [(old.urn, explicit.urn)]


def test_a_base_recorded_by_the_mock_monitors_urns_compares_as_the_engine_sees_it(tmp_path: Path) -> None:
    """Revisions before issue 19 rendered a top-level component as `pulumi:pulumi:Stack$<type>`
    (the mock monitor's `make_urn`); the engine never spells a URN so, and a stack deployed from
    such a revision has the plain URN. Rendered from that old code, the base must not look like a
    moved component (which the transition checks would refuse as a delete)."""
    repo = repository_copy(tmp_path)
    harness = repo / "infra/offline/harness.py"
    current = harness.read_text()
    start, end = current.index("    def make_urn("), current.index("    def RegisterResource(")
    harness.write_text(current[:start] + current[end:])
    git(repo, "commit", "-qam", "the old harness: the mock monitor's URNs")
    harness.write_text(current)
    git(repo, "commit", "-qam", "the engine's URNs")
    result = plan_against(repo, "--json")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    document = json.loads(result.stdout)
    assert document["comparison"]["resources"] == [], "nothing created, deleted or updated"
    assert document["comparison"]["unchanged"] == len(document["resources"])
