"""Reading a deployed stack's outputs with the Pulumi CLI, for the tools that hand them on
(the validator, the `.env` writer).

`pulumi stack output --json --show-secrets` prints the secret key, so its stdout is parsed
and never echoed; on failure only the CLI's own error message (stderr) is reported.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any


class StackOutputError(Exception):
    """The outputs could not be read; the message says why and never holds an output value."""


class PulumiNotFound(StackOutputError):
    """No `pulumi` executable on PATH."""


def read_stack_outputs(stack: str, project_dir: Path, timeout: float) -> dict[str, Any]:
    """The stack's outputs, secrets shown, as a dict."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise PulumiNotFound("the pulumi CLI is not on PATH")
    command = [pulumi, "stack", "output", "--json", "--show-secrets", "--stack", stack]
    try:
        done = subprocess.run(
            command, cwd=project_dir, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise StackOutputError(f"`pulumi stack output --stack {stack}` did not finish within {timeout:g}s") from None
    except OSError as error:
        raise StackOutputError(f"could not run pulumi: {error.strerror or type(error).__name__}") from None
    if done.returncode != 0:
        message = " ".join(done.stderr.split())[:300] or f"exit code {done.returncode}"
        raise StackOutputError(f"`pulumi stack output --stack {stack}` failed: {message}")
    try:
        outputs = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise StackOutputError(f"`pulumi stack output --stack {stack}` did not print JSON") from None
    if not isinstance(outputs, dict):
        raise StackOutputError(f"`pulumi stack output --stack {stack}` did not print a JSON object")
    return outputs
