"""Which values go into the app's `.env`: exactly the contract's STORAGE_* variables.

Checked before anything is written, every problem at once. Messages name variables, never
values (one of them is the secret key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from infra.guide import contract

MASKED = "[secret]"
"""What `pulumi stack output --json` prints for a secret without `--show-secrets`."""


class DotenvError(Exception):
    """Nothing was written; the message says why and never holds a value."""


def contract_values(outputs: Mapping[str, Any], refusal: Callable[[str], str | None]) -> dict[str, str]:
    """The contract variables present in `outputs`, in the contract's order, as text.

    `refusal` says why the chosen file format cannot hold a value exactly (infra/dotenv/formats.py).

    Required variables must be there; optional ones (the endpoint, absent on AWS) are written
    only when the stack exports them, so the app falls back to its own defaults otherwise.
    SDK settings are always written: a stack deployed before they were exported gets the
    contract's fixed value, since the app's SDK default breaks signed uploads.
    """
    values: dict[str, str] = {}
    missing: list[str] = []
    problems: list[str] = []
    for variable in contract.CONTRACT:
        raw = outputs.get(variable.name)
        if (raw is None or raw == "") and variable.kind == contract.SDK:
            raw = variable.default
        if raw is None or raw == "":
            if variable.required:
                missing.append(variable.name)
            continue
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            problems.append(f"{variable.name} is not a text value")
            continue
        text = _as_text(raw)
        if variable.integer and contract.integer_problem(text):
            problems.append(f"{variable.name} {contract.integer_problem(text)}, as the app and the validator read it")
        elif variable.kind == contract.SDK and text.upper() not in contract.CHECKSUM_VALUES:
            problems.append(f"{variable.name} must be {' or '.join(contract.CHECKSUM_VALUES)}, as the app's SDK reads it")
        elif variable.secret and text == MASKED:
            problems.append(f"{variable.name} is masked ({MASKED}): export the outputs with --show-secrets")
        elif reason := refusal(text):
            problems.append(f"{variable.name} {reason}; refusing to write it")
        else:
            values[variable.name] = text
    if missing:
        problems.insert(
            0,
            f"missing {', '.join(missing)}: is this the right stack, and has `pulumi up` finished on it?",
        )
    if problems:
        raise DotenvError("; ".join(problems))
    return values


def _as_text(raw: str | int | float) -> str:
    """A number as Pulumi prints it: outputs are float64, so a whole float is written without
    a fraction (`10485760.0` -> `10485760`, as `pulumi stack output` shows it); other floats
    keep theirs and are refused where a whole number is due."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)

