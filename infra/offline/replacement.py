"""Which input changes a provider carries out by replacing the resource, and where that is written.

The bridged plugins (pulumi-aws, pulumi-digitalocean, pulumi-cloudflare) replace a resource
when an input that the upstream Terraform provider marks `ForceNew` (SDKv2) or
`RequiresReplace` (plugin framework) changes; their Pulumi schema.json and Python SDKs do not
carry that mark (the installed SDKs have no schema, and the bridged schema has no
`replaceOnChanges` for these properties), so the table below names the upstream schema file
each entry was read from. Only the resource types and inputs this program declares are listed;
a type in `CHECKED` has every input it sets accounted for (an unlisted one is changed in place),
anything else is "maybe" and says so. Upstream versions move: when a pin changes, re-read the
files named here (tests/plan/test_compare.py checks the table covers every input the shipped stacks
declare).

Our own dynamic providers (Backblaze B2) are asked directly: their `diff()` is the code the
engine runs, so its `replaces` is the answer.
"""

from __future__ import annotations

import importlib
from typing import Any

from infra.offline.comparison import Replacement

IGNORED_INPUTS = frozenset({"__provider"})
"""A dynamic resource's serialized provider: it changes with any code change, and the dynamic
provider host never reports it as a difference (pulumi/dynamic/__main__.py calls the
provider's `diff`, which looks at the resource's own inputs)."""

_TF_AWS = "hashicorp/terraform-provider-aws internal/service/"
_TF_DO = "digitalocean/terraform-provider-digitalocean digitalocean/spaces/"
_TF_CF = "cloudflare/terraform-provider-cloudflare internal/services/"

FORCE_NEW: dict[str, dict[str, str]] = {
    "aws:s3/bucket:Bucket": {"bucket": _TF_AWS + "s3/bucket.go", "bucketPrefix": _TF_AWS + "s3/bucket.go"},
    "aws:iam/accessKey:AccessKey": {"user": _TF_AWS + "iam/access_key.go", "pgpKey": _TF_AWS + "iam/access_key.go"},
    "aws:iam/userPolicy:UserPolicy": {"user": _TF_AWS + "iam/user_policy.go", "name": _TF_AWS + "iam/user_policy.go"},
    "aws:iam/rolePolicy:RolePolicy": {"role": _TF_AWS + "iam/role_policy.go", "name": _TF_AWS + "iam/role_policy.go"},
    "aws:iam/user:User": {},
    **{
        f"aws:s3/{token}": {"bucket": _TF_AWS + f"s3/{path}", "expectedBucketOwner": _TF_AWS + f"s3/{path}"}
        for token, path in (
            ("bucketOwnershipControls:BucketOwnershipControls", "bucket_ownership_controls.go"),
            ("bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket_public_access_block.go"),
            ("bucketVersioning:BucketVersioning", "bucket_versioning.go"),
            (
                "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "bucket_server_side_encryption_configuration.go",
            ),
            ("bucketPolicy:BucketPolicy", "bucket_policy.go"),
            ("bucketCorsConfiguration:BucketCorsConfiguration", "bucket_cors_configuration.go"),
            ("bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucket_lifecycle_configuration.go"),
            ("bucketLogging:BucketLogging", "bucket_logging.go"),
            ("bucketReplicationConfig:BucketReplicationConfig", "bucket_replication_configuration.go"),
        )
    },
    "digitalocean:index/spacesBucket:SpacesBucket": {"region": _TF_DO + "resource_spaces_bucket.go"},
    "digitalocean:index/spacesKey:SpacesKey": {},
    "cloudflare:index/accountToken:AccountToken": {"accountId": _TF_CF + "account_token/schema.go"},
    "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration": {
        "bucket": _TF_DO + "resource_spaces_bucket_cors_configuration.go",
        "region": _TF_DO + "resource_spaces_bucket_cors_configuration.go",
    },
    "cloudflare:index/r2Bucket:R2Bucket": {
        "name": _TF_CF + "r2_bucket/schema.go",
        "accountId": _TF_CF + "r2_bucket/schema.go",
    },
}
"""Resource type -> input -> the upstream schema file marking it ForceNew / RequiresReplace."""

CHECKED = frozenset(
    {
        "aws:iam/accessKey:AccessKey",
        "aws:iam/user:User",
        "aws:iam/userPolicy:UserPolicy",
        *(t for t in FORCE_NEW if t.startswith("aws:s3/") and t != "aws:s3/bucket:Bucket"),
        "aws:s3/bucket:Bucket",
        # resource_spaces_bucket.go: only `region` is ForceNew; acl, versioning, lifecycle_rule and
        # force_destroy are applied by its Update (PutBucketAcl, PutBucketVersioning, ...).
        "digitalocean:index/spacesBucket:SpacesBucket",
        # spaces_entities.go spacesKeySchema: no ForceNew; resource_spaces_key.go Update sends name and grants.
        "digitalocean:index/spacesKey:SpacesKey",
        # account_token/schema.go: only account_id has RequiresReplace; name and policies are updated.
        "cloudflare:index/accountToken:AccountToken",
    }
)
"""Types whose every input this program sets was read in the upstream schema: any input not
in FORCE_NEW is updated in place (tags, policies, rules, forceDestroy, an IAM user's name)."""

UNCERTAIN: dict[tuple[str, str], str] = {
    ("aws:", "region"): "the AWS provider's per-resource `region` (v7): whether a change replaces is not in "
    "the schema this package pins; `pulumi preview --diff` shows it",
    ("digitalocean:index/spacesBucket:SpacesBucket", "name"): (
        f"{_TF_DO}resource_spaces_bucket.go: `name` is not ForceNew, but the Space's id is its name and "
        "Update never renames it; `pulumi preview --diff` shows what the plugin does"
    ),
}
"""(type prefix, input) whose replacement behaviour no source we read settles: always "maybe"."""

DYNAMIC_PROVIDERS: dict[str, tuple[str, str]] = {
    "pulumi-python:dynamic/backblaze:Bucket": ("infra.providers.backblaze.dynamic", "B2BucketProvider"),
    "pulumi-python:dynamic/backblaze:ApplicationKey": ("infra.providers.backblaze.dynamic", "B2ApplicationKeyProvider"),
    "pulumi-python:dynamic/backblaze:Replication": ("infra.providers.backblaze.replication", "B2ReplicationProvider"),
}
"""Our dynamic resource types -> the provider class whose `diff()` the engine runs for them."""


def dynamic_diff(type_: str, olds: dict[str, Any], news: dict[str, Any]) -> tuple[bool, frozenset[str]] | None:
    """(changes, replaces) from the dynamic provider's own `diff()`, or None for other types."""
    found = DYNAMIC_PROVIDERS.get(type_)
    if found is None:
        return None
    provider = getattr(importlib.import_module(found[0]), found[1])()
    strip = {k: v for k, v in olds.items() if k not in IGNORED_INPUTS}, {k: v for k, v in news.items() if k not in IGNORED_INPUTS}
    result = provider.diff("", *strip)
    return bool(result.changes), frozenset(result.replaces or ())


def input_replacement(type_: str, name: str, olds: dict[str, Any], news: dict[str, Any]) -> tuple[Replacement, str]:
    """Whether changing input `name` of a `type_` resource replaces it, and the source of that."""
    if type_.startswith("pulumi:providers:"):
        return "maybe", "engine: a provider's config change is judged by the plugin's DiffConfig"
    dynamic = dynamic_diff(type_, olds, news)
    if dynamic is not None:
        source = f"{DYNAMIC_PROVIDERS[type_][0]}.{DYNAMIC_PROVIDERS[type_][1]}.diff()"
        return ("yes" if name in dynamic[1] else "no"), source
    for (prefix, uncertain), reason in UNCERTAIN.items():
        if name == uncertain and type_.startswith(prefix):
            return "maybe", reason
    force_new = FORCE_NEW.get(type_, {})
    if name in force_new:
        return "yes", f"{force_new[name]}: ForceNew / RequiresReplace"
    if type_ in CHECKED:
        return "no", f"{type_}: not ForceNew upstream (see infra/offline/replacement.py)"
    return "maybe", f"no replacement data for {type_}.{name}: `pulumi preview --diff` decides"
