"""Which values go into the app's `.env`: exactly the contract's STORAGE_* variables.

Checked before anything is written, every problem at once. Messages name variables, never
values (one of them is the secret key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from infra.guide import contract

MASKED = "[secret]"
"""What `pulumi stack output --json` prints for a secret without `--show-secrets`."""
_UNSAFE = re.compile(r"['\\\x00-\x1f\x7f]")
"""Characters the dotenv dialects (python-dotenv, Node's dotenv) read differently inside quotes."""


class DotenvError(Exception):
    """Nothing was written; the message says why and never holds a value."""


def contract_values(outputs: Mapping[str, Any]) -> dict[str, str]:
    """The contract variables present in `outputs`, in the contract's order, as text.

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
        text = str(raw)
        if variable.secret and text == MASKED:
            problems.append(f"{variable.name} is masked ({MASKED}): export the outputs with --show-secrets")
        elif _UNSAFE.search(text):
            problems.append(f"{variable.name} contains a quote, backslash or control character; refusing to write it")
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
