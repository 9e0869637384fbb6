"""The transitions a plan comparison refuses: changes that cause an outage or lose data on a
stack deployed from the base revision, each unless acknowledged.

- deleting or replacing the credential generation the base exports as active (the app's
  `.env` holds it; the app fails until redeployed): rotate in the runbook's three steps;
- deleting or replacing a bucket (the app's, its log bucket, its replica): the data goes
  with it, and a protected bucket fails the deploy halfway;
- deleting a resource while creating another of the same type under the same parent: its
  URN moved (a rename or reparent in this package) without an `aliases` entry, so `pulumi up`
  deletes the deployed one and creates a new one.

A refused change is allowed only by an acknowledgement naming its action and resource
(`infra.settings.acknowledgements`); each allowed one is printed as `acknowledged: ...`, and
an acknowledgement no change used is a warning, so none lingers unnoticed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from infra import PROJECT
from infra.offline.comparison import Comparison, ResourceChange
from infra.offline.records import Plan
from infra.offline.stack_files import stack_config
from infra.providers import registry
from infra.settings.acknowledgements import Acknowledgement, entry_problem, from_pull_request_body, parse_entry
from infra.settings.keys import ACKNOWLEDGE_CHANGES
from infra.settings.model import DEFAULT_CREDENTIAL

RUNBOOKS = "docs/operations.md"
ROTATION_RUNBOOK = f"{RUNBOOKS} › Rotating the app credential, Step 1 to Step 3 (#step-1-add-the-new-generation)"
TEARDOWN_RUNBOOK = f"{RUNBOOKS} › Protection and tearing down a non-prod stack (#protection-and-tearing-down-a-non-prod-stack)"
ALIAS_RUNBOOK = (
    "give the resource `opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name=<old name>)])` "
    "(or `parent=` for a move), then `python -m tests.support.urn_record`"
)


@dataclass(frozen=True)
class Refusal:
    action: str
    """`delete` or `replace`: the verb an acknowledgement names."""
    resource: ResourceChange
    reason: str
    runbook: str

    def message(self, stack: str) -> str:
        r = self.resource
        return (
            f"{self.action} of {r.type} {r.name} on stack {stack}: {self.reason}. Safe way: {self.runbook}. "
            f"If it is deliberate, acknowledge exactly this change: `{self.action} {r.name}` in "
            f"raptscallions-storage:acknowledgeChanges of Pulumi.{stack}.yaml, or the line "
            f"`Acknowledge {stack}: {self.action} {r.name}` in the pull request's description"
        )


@dataclass(frozen=True)
class Judgement:
    refused: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)


def _types(attribute: str) -> frozenset[str]:
    return frozenset(t for spec in registry.all_specs() for t in getattr(spec, attribute))


def active_credentials(base: Plan) -> set[str]:
    """URNs of the credential each base component exports to the app: the generation named by
    its `activeCredential` input (suffixed `-<name>`), or the unsuffixed one for `default`
    (`infra.providers.credentials.generation_suffixed`)."""
    credential_types = _types("credential_types")
    active: set[str] = set()
    for component in (r for r in base.resources if not r.custom):
        keys = [r for r in base.resources if r.parent == component.urn and r.type in credential_types]
        if not keys:
            continue
        generation = str(component.inputs.get("activeCredential") or DEFAULT_CREDENTIAL)
        if generation == DEFAULT_CREDENTIAL:
            active.add(min(keys, key=lambda r: len(r.name)).urn)
        else:
            active |= {r.urn for r in keys if r.name.endswith(f"-{generation}")}
    return active


def refusals(comparison: Comparison, base: Plan | None, head: Plan) -> list[Refusal]:
    """Every refused transition of `comparison` (none when the stack is new at the base)."""
    if base is None or comparison.base_error is not None:
        return []
    active = active_credentials(base)
    bucket_types = _types("bucket_types")
    creates = comparison.of_kind("create")
    found: list[Refusal] = []
    for change in comparison.resources:
        deployed = change.old_urn or change.urn
        if change.kind == "delete":
            action = "delete"
        elif change.kind == "update" and change.replacement != "no":
            action = "replace"
        else:
            continue
        how = "is deleted" if action == "delete" else ("is replaced" if change.replacement == "yes" else "may be replaced")
        if deployed in active:
            found.append(Refusal(action, change, f"it is the credential the base exports to the app and {how}; "
                                 "the app's .env still holds it, so the app fails until redeployed", ROTATION_RUNBOOK))
        elif change.type in bucket_types:
            protected = " (protected: the deploy fails halfway)" if change.protect else ""
            found.append(Refusal(action, change, f"a bucket {how} with every object in it{protected}", TEARDOWN_RUNBOOK))
        elif action == "delete" and (moved := _moved_to(change, base, head, creates)) is not None:
            found.append(Refusal(action, change, f"its URN moved to {moved.urn} with no `aliases` entry, so it is "
                                 "deleted and a new one created", ALIAS_RUNBOOK))
    return found


def _moved_to(deleted: ResourceChange, base: Plan, head: Plan, creates: list[ResourceChange]) -> ResourceChange | None:
    """The create that looks like the deleted resource under a new URN: the same type, and the
    same parent (a rename) or the same name (a move to another parent). Credential generations
    are named by settings, not by code, so a key removed beside a new one is not a move."""
    if deleted.type in _types("credential_types"):
        return None
    old = next((r for r in base.resources if r.urn == deleted.urn), None)
    parents = {r.urn: r.parent for r in head.resources}
    for create in creates:
        if create.type == deleted.type and old is not None and (
            parents.get(create.urn) == old.parent or create.name == deleted.name
        ):
            return create
    return None


def judge(comparison: Comparison, base: Plan | None, head: Plan, acknowledgements: list[Acknowledgement]) -> Judgement:
    """Refusals not acknowledged, the acknowledged ones (for the log), and unused acknowledgements."""
    judgement = Judgement()
    used: set[Acknowledgement] = set()
    for refusal in refusals(comparison, base, head):
        match = next((a for a in acknowledgements if (a.action, a.name) == (refusal.action, refusal.resource.name)), None)
        if match is None:
            judgement.refused.append(refusal.message(comparison.stack))
        else:
            used.add(match)
            judgement.acknowledged.append(
                f"{refusal.action} of {refusal.resource.type} {refusal.resource.name} on stack {comparison.stack} "
                f"({refusal.reason}), acknowledged in the {match.source}"
            )
    judgement.unused.extend(
        f"acknowledgement `{a}` ({a.source}) matches no refused change of stack {comparison.stack}; remove it"
        for a in acknowledgements
        if a not in used
    )
    return judgement


def acknowledgements_for(
    stack: str, project_dir: Path, entries: list[str], pull_request_event: Path | None
) -> tuple[list[Acknowledgement], list[str]]:
    """Every acknowledgement for `stack`: the stack file's `acknowledgeChanges` (already judged
    by the settings), `--acknowledge` entries, and the pull request description's
    `Acknowledge <stack>: ...` lines (from the GitHub event file); plus the problems found."""
    found: list[Acknowledgement] = []
    problems: list[str] = []
    config, _ = stack_config(stack, project_dir)
    written = config.get(f"{PROJECT}:{ACKNOWLEDGE_CHANGES.name}") or "[]"
    try:
        listed = json.loads(written) if isinstance(written, str) else written
    except json.JSONDecodeError:
        listed = []  # the plan itself has refused the setting already
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, str) and entry_problem(entry) is None:
            found.append(parse_entry(entry, f"Pulumi.{stack}.yaml setting {ACKNOWLEDGE_CHANGES.name}"))
    for entry in entries:
        if (problem := entry_problem(entry)) is not None:
            problems.append(f"--acknowledge: {problem}")
        else:
            found.append(parse_entry(entry, "--acknowledge option"))
    if pull_request_event is not None:
        try:
            event = json.loads(pull_request_event.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(f"--pull-request-event {pull_request_event}: cannot be read as a GitHub event ({error})")
        else:
            body = ((event.get("pull_request") or {}).get("body") or "") if isinstance(event, dict) else ""
            more, bad = from_pull_request_body(str(body), stack)
            found += more
            problems += bad
    return found, problems
