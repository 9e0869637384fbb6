"""A Comparison for people (`pulumi preview --diff`-like lines) and for machines (JSON).

Values arrive masked (`infra.offline.compare`); nothing here can print a secret.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from infra.offline.comparison import Comparison, ResourceChange

_SIGN = {"create": "+", "delete": "-", "update": "~", "same": " "}


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _replacement(change: ResourceChange) -> str:
    return {"yes": " (replace)", "maybe": " (may replace)"}.get(change.replacement, "")


def render_comparison_text(comparison: Comparison) -> str:
    """What `pulumi up` would do to the stack as deployed from the base revision."""
    head = f"Compared with {comparison.base_ref}: what `pulumi up --stack {comparison.stack}` would do to the stack deployed from it"
    lines = ["", head]
    if comparison.base_error is not None:
        lines += [f"  not compared: {comparison.base_ref} cannot be planned: {comparison.base_error}"]
        return "\n".join(lines)
    lines += [f"  note: {note}" for note in comparison.notes]
    changed = [r for r in comparison.resources if r.kind != "same"]
    for change in changed:
        flags = " [protected]" if change.protect and change.kind in ("delete", "update") else ""
        lines.append(f"  {_SIGN[change.kind]} {change.kind}{_replacement(change)}  {change.type}  {change.name}{flags}")
        if change.old_urn and change.old_urn != change.urn and change.kind != "delete":
            lines.append(f"      takes over {change.old_urn} (alias)")
        for field in change.inputs:
            verdict = {"yes": "replaces", "maybe": "may replace"}.get(field.replaces)
            why = f"  [{verdict}: {field.source}]" if verdict else ""
            lines.append(f"      {field.name}: {_value(field.old)} => {_value(field.new)}{why}")
    counts = {kind: len(comparison.of_kind(kind)) for kind in ("create", "delete", "update", "same")}
    lines.append(
        f"  {counts['create']} to create, {counts['delete']} to delete, {counts['update']} to update "
        f"({len(comparison.replaced)} replaced or maybe replaced), {counts['same']} unchanged"
    )
    if comparison.outputs:
        lines.append("  Outputs changed:")
        for output in comparison.outputs:
            secret = "  (secret)" if output.secret else ""
            lines.append(f"    ~ {output.name}: {_value(output.old)} => {_value(output.new)}{secret}")
    return "\n".join(lines)


def comparison_as_dict(comparison: Comparison) -> dict[str, Any]:
    """The same for machines: every field of the records (already masked)."""
    document = asdict(comparison)
    document["resources"] = [r for r in document["resources"] if r["kind"] != "same"]
    document["unchanged"] = len(comparison.of_kind("same"))
    return document
