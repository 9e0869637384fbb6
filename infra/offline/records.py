"""What one offline run of the program declared: resources, invokes, outputs, diagnostics.

Plain records, shared by the harness that fills them and the checks that judge them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MASK = "[secret]"
"""What every report prints instead of a secret value."""

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class DeclaredAlias:
    """One entry of a resource's `aliases` option, as the engine receives it (alias.proto):
    either a whole URN, or a spec whose empty fields mean "as the resource is now"."""

    urn: str = ""
    name: str = ""
    type: str = ""
    stack: str = ""
    project: str = ""
    parent_urn: str = ""
    no_parent: bool = False


@dataclass(frozen=True)
class DeclaredResource:
    """One resource registration, as the engine would receive it."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    parent: str
    protect: bool
    custom: bool
    provider: str
    import_id: str
    dependencies: tuple[str, ...]
    secret_inputs: frozenset[str]
    """Top-level input names whose value was sent as a secret."""
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Input name -> URNs of the resources whose outputs feed it (e.g. a sub-resource's bucket)."""
    wire_inputs: dict[str, Any] = field(default_factory=dict)
    """The inputs exactly as serialized for the engine (secrets still wrapped), for the policy analyzer."""
    additional_secret_outputs: tuple[str, ...] = ()
    """Outputs the engine must store as secrets (the `additional_secret_outputs` option)."""
    delete_before_replace: bool = False
    """The `delete_before_replace` option: on a replacement the old one is deleted first."""
    aliases: tuple[DeclaredAlias, ...] = ()
    """The `aliases` option: the URNs this resource had before (a rename, new parent or type)."""


@dataclass(frozen=True)
class DeclaredInvoke:
    """One invoke (data-source call), as the engine would receive it."""

    token: str
    provider: str
    """The provider reference (`<provider urn>::<id>`), or "" for the package's default provider."""


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    message: str


@dataclass(frozen=True)
class Plan:
    """What one stack declares and exports, or the error that stopped it."""

    stack: str
    resources: tuple[DeclaredResource, ...]
    outputs: dict[str, Any]
    secret_outputs: frozenset[str]
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    invokes: tuple[DeclaredInvoke, ...] = ()

    def of_type(self, type_: str) -> list[DeclaredResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> DeclaredResource:
        found = self.of_type(type_)
        if len(found) != 1:
            raise AssertionError(f"expected one {type_}, found {len(found)}")
        return found[0]

    @property
    def warnings(self) -> list[str]:
        return [d.message for d in self.diagnostics if d.severity == "warning"]
