"""Names of the project's own files that several layers agree on (the pack names them in its
messages, the plan and CI read them), kept at the bottom so none of them imports a tool."""

from __future__ import annotations

POLICY_CONFIG_FILE = "Pulumi.{stack}.policy.json"
"""A stack's policy pack configuration, next to its stack file: optional (absent: the pack's
defaults), committed, and passed by every entry point (`make plan`, `python -m infra.plan`,
the preview and deploy workflows as `--policy-pack-config`)."""


def policy_config_name(stack: str) -> str:
    """The stack's policy config file name, relative to the project root."""
    return POLICY_CONFIG_FILE.format(stack=stack)
