"""The guide's CORS rule as an S3 `BucketCorsConfiguration` rule: one place, so the app bucket
and the replica (which the app fails over to) carry exactly the same rule."""

from __future__ import annotations

import pulumi_aws as aws

from infra.guide.cors import CorsRule


def cors_rule_args(rule: CorsRule) -> aws.s3.BucketCorsConfigurationCorsRuleArgs:
    """`rule` (origins, methods, headers, exposed headers, max age) in pulumi-aws's terms."""
    return aws.s3.BucketCorsConfigurationCorsRuleArgs(**rule.s3_rule_arguments())
