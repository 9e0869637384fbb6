"""What `pulumi up` would do to a stack deployed from one revision, when run from another.

Plain records shared by the comparer that fills them (`infra.offline.compare`) and the
checks that judge them (`infra.offline.transitions`). Values of secret inputs and outputs
are already masked here: nothing downstream can print a secret by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ChangeKind = Literal["create", "delete", "update", "same"]
Replacement = Literal["no", "yes", "maybe"]


@dataclass(frozen=True)
class InputChange:
    """One top-level input whose value differs (secret values shown as the mask)."""

    name: str
    old: Any
    new: Any
    replaces: Replacement = "no"
    """Whether the provider carries this change out by replacing the resource."""
    source: str = ""
    """Where that knowledge comes from (a schema field, a provider's documented rule)."""


@dataclass(frozen=True)
class ResourceChange:
    """One resource of either side and what happens to it."""

    kind: ChangeKind
    urn: str
    """The new URN (for a delete: the URN in the deployed state)."""
    type: str
    name: str
    old_urn: str | None = None
    """The deployed URN this resource takes over: differs from `urn` when matched by an alias."""
    protect: bool = False
    """Whether the deployed resource is protected (a delete or replace of it fails)."""
    inputs: tuple[InputChange, ...] = ()
    replacement: Replacement = "no"
    """For an update: the strongest `replaces` of its inputs."""


@dataclass(frozen=True)
class OutputChange:
    name: str
    old: Any
    new: Any
    secret: bool = False


@dataclass(frozen=True)
class Comparison:
    """The base plan (deployed) against the head plan (to deploy), for one stack."""

    stack: str
    base_ref: str
    resources: tuple[ResourceChange, ...]
    outputs: tuple[OutputChange, ...] = ()
    base_error: str | None = None
    """The base revision could not be planned (e.g. the stack is new there): nothing is compared."""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def of_kind(self, kind: ChangeKind) -> list[ResourceChange]:
        return [r for r in self.resources if r.kind == kind]

    @property
    def replaced(self) -> list[ResourceChange]:
        return [r for r in self.resources if r.kind == "update" and r.replacement != "no"]
