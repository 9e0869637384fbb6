"""The guide's CORS rule as an S3 `BucketCorsConfiguration` rule: one place, so the app bucket
and the replica (which the app fails over to) carry exactly the same rule."""

from __future__ import annotations

import pulumi_aws as aws

from infra.guide.cors import CorsRule


def cors_rule_args(rule: CorsRule) -> aws.s3.BucketCorsConfigurationCorsRuleArgs:
    """`rule` (origins, methods, headers, exposed headers, max age) in pulumi-aws's terms."""
    return aws.s3.BucketCorsConfigurationCorsRuleArgs(
        id=rule.rule_id,
        allowed_origins=list(rule.allowed_origins),
        allowed_methods=list(rule.allowed_methods),
        allowed_headers=list(rule.allowed_headers),
        expose_headers=list(rule.expose_headers),
        max_age_seconds=rule.max_age_seconds,
    )
