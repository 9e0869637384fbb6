"""The stack's one explicit AWS provider, built from settings, and the options that use it.

Why explicit: Pulumi's default `aws` provider takes its region from the stack's `aws:region`
or from AWS_REGION / AWS_DEFAULT_REGION, and the plugin refuses to configure without one
(pulumi/pulumi-aws provider/resources.go: `region` with `EnvVars: AWS_REGION,
AWS_DEFAULT_REGION`; pulumi/pulumi-aws#2084 and PR #2088). A region on every resource does
not help: the plugin is configured before any resource, and `aws.get_caller_identity` runs
at preview. So `pulumi up` would depend on the deployer's shell. The explicit provider gets
the region from the `region` setting and nothing else; credentials still come from the
environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, or AWS_PROFILE),
which the plugin reads for explicit providers exactly as for the default one. No secret is
put into the provider's inputs.

One provider is enough for the replica: pulumi-aws 7 resources take their own `region`
argument, so the replica's resources name `awsReplicaRegion` themselves and IAM is global.

The provider is a new child of the component (`<name>-aws`); every other resource keeps its
name, type and parent, so their URNs do not change (tests/providers/aws/test_aws_provider.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

PROVIDER_SUFFIX = "aws"


@dataclass(frozen=True)
class AwsScope:
    """Where a resource of the AWS component goes: under `parent`, through `provider`."""

    parent: pulumi.Resource
    provider: aws.Provider

    def opts(self, **options: Any) -> pulumi.ResourceOptions:
        """Resource options for a child of the component, on the explicit provider."""
        return pulumi.ResourceOptions(parent=self.parent, provider=self.provider, **options)

    def on_provider(self, options: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
        """`options` (e.g. the shared bucket options) with the explicit provider added."""
        return pulumi.ResourceOptions.merge(options, pulumi.ResourceOptions(provider=self.provider))

    def invoke_opts(self) -> pulumi.InvokeOutputOptions:
        """Invoke options: the same provider, so an invoke never falls back to the default one."""
        return pulumi.InvokeOutputOptions(parent=self.parent, provider=self.provider)


def aws_scope(parent: pulumi.Resource, name: str, region: str) -> AwsScope:
    """Declare the explicit provider `<name>-aws` for `region`, a child of `parent`."""
    provider = aws.Provider(f"{name}-{PROVIDER_SUFFIX}", region=region, opts=pulumi.ResourceOptions(parent=parent))
    return AwsScope(parent, provider)
