"""What `pulumi up` would do to a stack deployed from one plan (base) when run with another (head).

The matching is the engine's: each head resource takes over the deployed resource with its
URN, else the first of its aliases that names one, in the order the step generator tries them
(pulumi/pulumi pkg/resource/deploy/step_generator.go: `generateSteps` looks up the URN first,
then `generateAliases`, which collapses each alias with `collapseAliasToUrn` and adds the
aliases inherited from a parent that was itself matched by an alias, `inheritedChildAlias`).
Deployed resources nobody takes over are deleted. A matched resource is updated when a
top-level input differs, and replaced when the provider carries that change out by
replacement (`infra.offline.replacement` names the source), when its provider reference
changes (step_generator.go `providerChanged`) or its type changes.
"""

from __future__ import annotations

from typing import Any

from infra.offline.comparison import Comparison, InputChange, OutputChange, Replacement, ResourceChange
from infra.offline.records import MASK, ROOT_STACK_TYPE, DeclaredAlias, DeclaredResource, Plan
from infra.offline.replacement import IGNORED_INPUTS, dynamic_diff, input_replacement

_STRENGTH: dict[Replacement, int] = {"no": 0, "maybe": 1, "yes": 2}

Pair = tuple[DeclaredResource | None, DeclaredResource | None]


# --- URNs, as sdk/go/common/resource/urn.go spells them ---------------------------------

def _parts(urn: str) -> list[str]:
    """urn:pulumi:<stack>::<project>::<qualified type>::<name> -> [stack, project, qtype, name]."""
    return urn[len("urn:pulumi:"):].split("::", 3)


def qualified_type(urn: str) -> str:
    return _parts(urn)[2]


def urn_name(urn: str) -> str:
    return _parts(urn)[3]


def urn_type(urn: str) -> str:
    return qualified_type(urn).split("$")[-1]


def create_urn(name: str, type_: str, parent: str, project: str, stack: str) -> str:
    """`resource.CreateURN` (and the SDK's `create_urn`): under a parent, the parent's URN up to
    its name, then `$type`; without one, the stack and project prefix."""
    prefix = parent[: parent.rfind("::")] + "$" if parent else f"urn:pulumi:{stack}::{project}::"
    return f"{prefix}{type_}::{name}"


def new_urn(stack: str, project: str, parent_type: str, base_type: str, name: str) -> str:
    """`resource.NewURN`: the root stack's type is never a prefix."""
    typ = base_type if parent_type in ("", ROOT_STACK_TYPE) else f"{parent_type}${base_type}"
    return f"urn:pulumi:{stack}::{project}::{typ}::{name}"


class _Matcher:
    """The step generator's alias bookkeeping for one deployment (`sg.aliases`)."""

    def __init__(self, olds: dict[str, DeclaredResource]) -> None:
        self.olds = olds
        self.aliases: dict[str, str] = {}
        """New URN -> the deployed URN it took over by an alias."""

    def collapse(self, goal: DeclaredResource, alias: DeclaredAlias) -> str:
        """`collapseAliasToUrn`: an empty field means "as the resource is now"; an alias's
        parent that was itself aliased stands for the parent's old URN."""
        if alias.urn:
            return alias.urn
        stack, project = _parts(goal.urn)[:2]
        parent = self.aliases.get(alias.parent_urn, alias.parent_urn) if alias.parent_urn else goal.parent
        if alias.no_parent or (parent and qualified_type(parent) == ROOT_STACK_TYPE):
            parent = ""
        return create_urn(
            alias.name or goal.name, alias.type or goal.type, parent, alias.project or project, alias.stack or stack
        )

    @staticmethod
    def inherited(child_type: str, child_name: str, parent_name: str, parent_alias: str) -> str:
        """`inheritedChildAlias`: a child named after its parent follows the parent's old name."""
        alias_name = child_name
        if child_name.startswith(parent_name):
            alias_name = urn_name(parent_alias) + child_name[len(parent_name):]
        stack, project = _parts(parent_alias)[:2]
        return new_urn(stack, project, qualified_type(parent_alias), child_type, alias_name)

    def candidates(self, goal: DeclaredResource) -> list[str]:
        """`generateAliases`, in order, without duplicates."""
        found: list[str] = []

        def add(urn: str) -> None:
            if urn not in found:
                found.append(urn)

        for alias in goal.aliases:
            add(self.collapse(goal, alias))
        if goal.parent and (parent_alias := self.aliases.get(goal.parent)):
            parent_name = urn_name(goal.parent)
            add(self.inherited(goal.type, goal.name, parent_name, parent_alias))
            for alias in goal.aliases:
                child_alias = self.collapse(goal, alias)
                add(self.inherited(urn_type(child_alias), urn_name(child_alias), parent_name, parent_alias))
        return found

    def take_over(self, goal: DeclaredResource, taken: set[str]) -> DeclaredResource | None:
        """The deployed resource `goal` takes over: its own URN first, then its aliases
        (a deployed resource already taken over is an error in the engine; here: no match)."""
        if goal.urn in self.olds:
            return self.olds[goal.urn] if goal.urn not in taken else None
        for alias in self.candidates(goal):
            if alias in self.olds and alias not in taken:
                self.aliases[goal.urn] = alias
                return self.olds[alias]
        return None


def match_resources(base: Plan, head: Plan) -> list[Pair]:
    """(deployed, new) pairs: each head resource with what it takes over (None: a create),
    then the deployed resources nobody took over (new None: a delete).

    Head resources are taken in registration order: a parent registers before its children,
    so a child sees whether its parent was matched by an alias, as in the engine."""
    matcher = _Matcher({r.urn: r for r in base.resources})
    pairs: list[Pair] = []
    taken: set[str] = set()
    for goal in head.resources:
        old = matcher.take_over(goal, taken)
        if old is not None:
            taken.add(old.urn)
        pairs.append((old, goal))
    pairs += [(old, None) for old in base.resources if old.urn not in taken]
    return pairs


# --- changes ----------------------------------------------------------------------------

def _masked(value: Any, secret: bool) -> Any:
    return MASK if secret else value


def _provider_urn(reference: str) -> str:
    """A provider reference is `<provider URN>::<provider id>`."""
    return reference.rsplit("::", 1)[0] if reference else ""


def input_changes(old: DeclaredResource, new: DeclaredResource) -> tuple[InputChange, ...]:
    """Each top-level input whose value differs, with whether the provider replaces for it.

    For our dynamic resources the provider's own `diff()` decides whether anything changed at
    all (it irons out order and nulls, as the engine's call to it would)."""
    dynamic = dynamic_diff(new.type, old.inputs, new.inputs)
    if dynamic is not None and not dynamic[0]:
        return ()
    changes = []
    for name in sorted(set(old.inputs) | set(new.inputs)):
        if name in IGNORED_INPUTS:
            continue
        before, after = old.inputs.get(name), new.inputs.get(name)
        if before == after:
            continue
        secret = name in old.secret_inputs or name in new.secret_inputs
        if new.custom:
            replaces, source = input_replacement(new.type, name, old.inputs, new.inputs)
        else:
            replaces, source = "no", "engine: a component resource has no provider; its input changes replace nothing"
        changes.append(InputChange(name, _masked(before, secret), _masked(after, secret), replaces, source))
    return tuple(changes)


def _engine_changes(old: DeclaredResource, new: DeclaredResource, aliased: dict[str, str]) -> list[InputChange]:
    """Replacements the engine decides itself, whatever the provider's schema says."""
    found = []
    if old.type != new.type:
        found.append(InputChange("type", old.type, new.type, "yes", "engine: a resource of another type is a new resource"))
    old_provider, new_provider = _provider_urn(old.provider), _provider_urn(new.provider)
    if old.provider != new.provider:
        if not old.provider or not new.provider:
            found.append(InputChange("provider", old_provider or None, new_provider or None, "yes",
                                     "engine: step_generator.go providerChanged (component <-> custom resource)"))
        elif aliased.get(new_provider) != old_provider:
            found.append(InputChange("provider", old_provider, new_provider, "maybe",
                                     "engine: step_generator.go providerChanged asks the new provider's DiffConfig"))
    return found


def _strongest(changes: tuple[InputChange, ...]) -> Replacement:
    best: Replacement = "no"
    for change in changes:
        if _STRENGTH[change.replaces] > _STRENGTH[best]:
            best = change.replaces
    return best


def _outputs(base: Plan, head: Plan) -> tuple[OutputChange, ...]:
    changes = []
    for name in sorted(set(base.outputs) | set(head.outputs)):
        before, after = base.outputs.get(name), head.outputs.get(name)
        if before == after and (name in base.outputs) == (name in head.outputs):
            continue
        secret = name in base.secret_outputs or name in head.secret_outputs
        changes.append(OutputChange(name, _masked(before, secret), _masked(after, secret), secret))
    return tuple(changes)


def _change(old: DeclaredResource | None, new: DeclaredResource | None, aliased: dict[str, str]) -> ResourceChange:
    if new is None:
        assert old is not None
        return ResourceChange("delete", old.urn, old.type, old.name, old_urn=old.urn, protect=old.protect)
    if old is None:
        return ResourceChange("create", new.urn, new.type, new.name)
    inputs = (*_engine_changes(old, new, aliased), *input_changes(old, new))
    return ResourceChange(
        "update" if inputs else "same",
        new.urn,
        new.type,
        new.name,
        old_urn=old.urn,
        protect=old.protect,
        inputs=inputs,
        replacement=_strongest(inputs),
    )


def compare_plans(base: Plan, head: Plan, base_ref: str) -> Comparison:
    """`base` as deployed, `head` as the next `pulumi up` would declare it."""
    if base.error is not None:
        return Comparison(head.stack, base_ref, (), base_error=base.error)
    pairs = match_resources(base, head)
    aliased = {new.urn: old.urn for old, new in pairs if old is not None and new is not None and old.urn != new.urn}
    return Comparison(head.stack, base_ref, tuple(_change(old, new, aliased) for old, new in pairs), _outputs(base, head))
