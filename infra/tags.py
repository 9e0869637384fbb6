"""Tags every taggable resource carries, so a bucket can be traced back to its stack."""

from __future__ import annotations

from infra import PROJECT
from infra.settings.model import Settings


def resource_tags(settings: Settings) -> dict[str, str]:
    """The package's own tags, overridden by the user's `tags` setting where they clash."""
    return {
        "app": "raptscallions",
        "environment": settings.environment,
        "managed-by": f"pulumi/{PROJECT}",
        "pulumi-stack": settings.stack,
        **settings.tags,
    }
